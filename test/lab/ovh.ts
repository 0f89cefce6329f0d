// The OVH mock in the lab: it runs in this (root-namespace) process on 127.0.0.1, both services
// call it, and each binding change (a move task reaching done) installs upstream's route for the
// IPFO toward the bound router's tunnel address, so traffic really follows the API. Requests
// and binding changes go on the timeline (OVH claim, task done).
import { startOvhMock, type OvhMock } from '../ovh-mock/server.js';
import type { Lab } from './lab.js';
import { IPFO, ROUTERS, routerForService, type RouterId } from './plan.js';
import type { LabOvhEndpoint } from './services.js';
import type { Timeline } from './timeline.js';
import { routeIpfoVia } from './topology.js';

export interface LabOvh {
  mock: OvhMock;
  /** The base URL and the credentials of each router's service. */
  endpoints: Record<RouterId, LabOvhEndpoint>;
}

const KEYS: Record<RouterId, Omit<LabOvhEndpoint, 'baseUrl'>> = {
  ra: { applicationKey: 'ak-lab-ra', applicationSecret: 'as-lab-ra', consumerKey: 'ck-lab-ra' },
  rb: { applicationKey: 'ak-lab-rb', applicationSecret: 'as-lab-rb', consumerKey: 'ck-lab-rb' },
};

/** Starts the mock with the IPFO routed to router A; taskMs is a move task's total duration. */
export async function startLabOvh(lab: Lab, timeline: Timeline, taskMs = 0): Promise<LabOvh> {
  const callers = new Map(Object.entries(KEYS).map(([id, k]) => [k.applicationKey, id as RouterId]));
  const mock = await startOvhMock({
    tickIntervalMs: 20,
    state: {
      ips: [{ ip: `${IPFO}/32`, routedTo: ROUTERS.ra.service }],
      servers: Object.values(ROUTERS).map((r) => ({ name: r.service })),
      legacy: Object.values(KEYS),
      durations: { initMs: 0, todoMs: 0, doingMs: taskMs },
    },
    onRequest: (request) => {
      if (request.method !== 'POST' || !request.url.includes('/move')) return;
      const who = [...callers].find(([ak]) => request.caller?.includes(ak))?.[1] ?? 'lab';
      timeline.add('ovh', who, `OVH claim: POST ${decodeURIComponent(request.url.replace(/^\/1\.0/, ''))}`, request.at);
    },
    onBindingChange: (ip, target) => {
      const router = routerForService(target);
      timeline.add('ovh', 'lab', `OVH task done: ${ip} routed to ${target ?? 'nothing'} (${router?.id ?? '?'})`);
      if (router && ip.startsWith(`${IPFO}/`)) routeIpfoVia(router);
    },
  });
  lab.onTeardown(() => void mock.close());
  const endpoints = Object.fromEntries(Object.entries(KEYS).map(([id, k]) => [id, { baseUrl: mock.url, ...k }])) as Record<RouterId, LabOvhEndpoint>;
  return { mock, endpoints };
}
