// The OVH mock in the lab: it runs in this (root-namespace) process on 127.0.0.1, both services
// call it, and each binding change (a task reaching done) changes how upstream delivers the IPFO
// (edge.ts): a move routes it toward the bound router's tunnel; a vMAC binding points upstream's
// permanent neighbour entry at that vMAC. Requests and binding changes go on the timeline.
import { startOvhMock, type OvhMock } from '../ovh-mock/server.js';
import type { MockStateInit } from '../ovh-mock/state.js';
import { routeIpfoVia, sendIpfoToMac } from './edge.js';
import type { Lab } from './lab.js';
import { HYPERVISOR, IPFO, ROUTERS, SHARED_VMAC, routerForService, routerForVmac, type RouterId, type Strategy } from './plan.js';
import type { LabOvhEndpoint } from './services.js';
import type { Timeline } from './timeline.js';

export interface LabOvh {
  mock: OvhMock;
  strategy: Strategy;
  /** The base URL and the credentials of each router's service. */
  endpoints: Record<RouterId, LabOvhEndpoint>;
}

const KEYS: Record<RouterId, Omit<LabOvhEndpoint, 'baseUrl' | 'strategy'>> = {
  ra: { applicationKey: 'ak-lab-ra', applicationSecret: 'as-lab-ra', consumerKey: 'ck-lab-ra' },
  rb: { applicationKey: 'ak-lab-rb', applicationSecret: 'as-lab-rb', consumerKey: 'ck-lab-rb' },
};

/** The mock's world for a strategy, the IPFO bound to router A (or to the shared vMAC). */
export function mockWorld(strategy: Strategy): Pick<MockStateInit, 'ips' | 'servers'> {
  const ipfo = IPFO;
  if (strategy === 'move') {
    return { ips: [{ ip: `${ipfo}/32`, routedTo: ROUTERS.ra.service }], servers: Object.values(ROUTERS).map((r) => ({ name: r.service })) };
  }
  const vmacs =
    strategy === 'shared-vmac'
      ? [{ mac: SHARED_VMAC, ips: [{ ip: ipfo, vmName: 'routers' }] }]
      : Object.values(ROUTERS).map((r) => ({ mac: r.vmac, ips: [{ ip: r.vmacOwnIp, vmName: r.node }, ...(r.id === 'ra' ? [{ ip: ipfo, vmName: r.node }] : [])] }));
  const own = strategy === 'vmac' ? Object.values(ROUTERS).map((r) => ({ ip: `${r.vmacOwnIp}/32`, routedTo: HYPERVISOR })) : [];
  return { ips: [{ ip: `${ipfo}/32`, routedTo: HYPERVISOR }, ...own], servers: [{ name: HYPERVISOR, vmacs }] };
}

/** Starts the mock for the lab's strategy; taskMs is each task's total duration. */
export async function startLabOvh(lab: Lab, timeline: Timeline, taskMs = 0, strategy: Strategy = 'move'): Promise<LabOvh> {
  const callers = new Map(Object.entries(KEYS).map(([id, k]) => [k.applicationKey, id as RouterId]));
  const mock = await startOvhMock({
    tickIntervalMs: 20,
    state: {
      ...mockWorld(strategy),
      legacy: Object.values(KEYS),
      durations: { initMs: 0, todoMs: 0, doingMs: taskMs },
    },
    onRequest: (request) => {
      if (request.method === 'GET') return;
      const who = [...callers].find(([ak]) => request.caller?.includes(ak))?.[1] ?? 'lab';
      timeline.add('ovh', who, `OVH claim: ${request.method} ${decodeURIComponent(request.url.replace(/^\/1\.0/, ''))}`, request.at);
    },
    onBindingChange: (ip, target, kind) => {
      if (!ip.startsWith(`${IPFO}/`)) return;
      if (kind === 'routedTo') {
        const router = routerForService(target);
        timeline.add('ovh', 'lab', `OVH task done: ${ip} routed to ${target ?? 'nothing'} (${router?.id ?? '?'})`);
        if (router && strategy === 'move') routeIpfoVia(router);
      } else {
        const router = target === SHARED_VMAC ? 'shared' : routerForVmac(target)?.id ?? '?';
        timeline.add('ovh', 'lab', `OVH task done: ${ip} on vMAC ${target ?? 'none'} (${router})`);
        if (strategy !== 'move') sendIpfoToMac(target);
      }
    },
  });
  lab.onTeardown(() => void mock.close());
  const endpoints = Object.fromEntries(Object.entries(KEYS).map(([id, k]) => [id, { baseUrl: mock.url, strategy, ...k }])) as Record<RouterId, LabOvhEndpoint>;
  return { mock, strategy, endpoints };
}
