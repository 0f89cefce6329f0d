// Every OVH route the client uses, with OVH's response shapes (ip.json, baremetal.json,
// auth.legacy.json) and the behaviour of reference/ovh-api.md §11.
import { isIPv4 } from 'node:net';
import type { MockState, MockTask } from './state.js';

export interface RouteAnswer {
  status: number;
  body?: unknown;
}

export interface RouteContext {
  state: MockState;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  /** The legacy credential making the call (for /auth/currentCredential). */
  credential: { consumerKey: string; rules: Array<{ method: string; path: string }>; status: string } | null;
}

export interface Route {
  method: string;
  /** Below the base path: '/ip/{ip}/move'. */
  template: string;
  /** IAM action an OAuth2 client needs (x-iam-actions); null: none (auth routes). */
  action: string | null;
  auth: boolean;
  handle(ctx: RouteContext): RouteAnswer;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const notFound = (what: string): RouteAnswer => ({ status: 404, body: { class: 'Client::NotFound', message: `The requested object (${what}) does not exist` } });
const badRequest = (message: string): RouteAnswer => ({ status: 400, body: { class: 'Client::BadRequest', message } });
const pending = (task: MockTask): RouteAnswer => ({ status: 409, body: { class: 'Client::Conflict', message: `A task (${task.id}) is already pending on this IP` } });

function ipJson(state: MockState, ip: string) {
  const entry = state.ips.get(ip)!;
  return {
    ip,
    type: 'failover',
    routedTo: { serviceName: entry.routedTo },
    description: null,
    canBeTerminated: true,
    country: 'fr',
    organisationId: null,
    isAdditionalIp: true,
    version: 4,
    campus: null,
    regions: null,
    rir: 'RIPE',
    bringYourOwnIp: false,
    iam: { id: '3e2c8b1a-5d7f-4c2e-9b1a-0c4d2e6f8a10', urn: `urn:v1:eu:resource:ip:${ip}`, displayName: ip, tags: {} },
  };
}

function ipTaskJson(task: MockTask) {
  return {
    taskId: task.id,
    function: task.function,
    status: task.status,
    startDate: iso(task.createdAt)!,
    doneDate: iso(task.doneAt),
    lastUpdate: iso(task.lastUpdate),
    comment: task.comment,
    destination: task.destination === null ? null : { serviceName: task.destination },
  };
}

function serverTaskJson(task: MockTask) {
  return {
    taskId: task.id,
    function: task.function,
    status: task.status,
    startDate: iso(task.createdAt)!,
    doneDate: iso(task.doneAt),
    lastUpdate: iso(task.lastUpdate),
    comment: task.comment,
    note: null,
    needSchedule: false,
    plannedInterventionId: null,
    tags: [],
    ticketReference: null,
  };
}

function taskIds(state: MockState, scope: 'ip' | 'server', owner: string, query: URLSearchParams): number[] {
  state.tick();
  const status = query.get('status');
  const fn = query.get('function');
  return [...state.tasks.values()].filter((t) => t.scope === scope && t.owner === owner && (!status || t.status === status) && (!fn || t.function === fn)).map((t) => t.id);
}

function server(ctx: RouteContext) {
  return ctx.state.servers.get(ctx.params.serviceName!);
}

function field(body: unknown, name: string): unknown {
  return body !== null && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;
}

/** The checks both vMAC bindings share (new vMAC, or add to one): body, routing, pending, bound. */
function bindingRequest(ctx: RouteContext, sn: string): { block: string; vmName: string } | RouteAnswer {
  const ipAddress = field(ctx.body, 'ipAddress');
  const vmName = field(ctx.body, 'virtualMachineName');
  if (typeof ipAddress !== 'string' || !isIPv4(ipAddress)) return badRequest('Invalid parameter ipAddress');
  if (typeof vmName !== 'string' || vmName === '') return badRequest('Missing parameter virtualMachineName');
  const block = `${ipAddress}/32`;
  if (ctx.state.ips.get(block)?.routedTo !== sn) return badRequest(`${ipAddress} is not routed to ${sn}`);
  const busy = ctx.state.pendingTaskFor(block);
  if (busy) return pending(busy);
  if (ctx.state.vmacOf(block)) return badRequest(`${ipAddress} is already bound to a virtual MAC`);
  return { block, vmName };
}

export const ROUTES: Route[] = [
  { method: 'GET', template: '/auth/time', action: null, auth: false, handle: () => ({ status: 200 }) /* answered by the server (skewed clock) */ },
  {
    method: 'GET',
    template: '/auth/currentCredential',
    action: null,
    auth: true,
    handle: (ctx) =>
      ctx.credential
        ? {
            status: 200,
            body: {
              allowedIPs: null,
              applicationId: 204_871,
              creation: '2026-01-05T09:12:00+01:00',
              credentialId: 771_232_111,
              expiration: null,
              lastUse: new Date(ctx.state.now()).toISOString(),
              ovhSupport: false,
              rules: ctx.credential.rules,
              status: ctx.credential.status,
            },
          }
        : badRequest('This call needs a consumer key'),
  },
  { method: 'GET', template: '/ip', action: 'ip:apiovh:get', auth: true, handle: (ctx) => ({ status: 200, body: [...ctx.state.ips.keys()] }) },
  {
    method: 'GET',
    template: '/ip/{ip}',
    action: 'ip:apiovh:get',
    auth: true,
    handle: (ctx) => (ctx.state.ips.has(ctx.params.ip!) ? { status: 200, body: ipJson(ctx.state, ctx.params.ip!) } : notFound(ctx.params.ip!)),
  },
  {
    method: 'GET',
    template: '/ip/{ip}/move',
    action: 'ip:apiovh:move/get',
    auth: true,
    handle: (ctx) => {
      const ip = ctx.state.ips.get(ctx.params.ip!);
      if (!ip) return notFound(ctx.params.ip!);
      const dedicatedServer = [...ctx.state.servers.keys()].filter((s) => s !== ip.routedTo).map((service) => ({ service, nexthop: null }));
      return { status: 200, body: { cloudProject: [], dedicatedCloud: [], dedicatedServer, hostingReseller: [], ipLoadbalancing: [], vps: [] } };
    },
  },
  {
    method: 'POST',
    template: '/ip/{ip}/move',
    action: 'ip:apiovh:move',
    auth: true,
    handle: (ctx) => {
      const block = ctx.params.ip!;
      const ip = ctx.state.ips.get(block);
      if (!ip) return notFound(block);
      const to = field(ctx.body, 'to');
      if (typeof to !== 'string' || to === '') return badRequest('Missing parameter to');
      const target = ctx.state.servers.get(to);
      if (!target) return badRequest(`${to} is not a valid destination for ${block}`);
      const busy = ctx.state.pendingTaskFor(block);
      if (busy) return pending(busy);
      if (ip.routedTo === to) return badRequest(`${block} is already routed to ${to}`);
      if (ctx.state.vmacOf(block) && !target.vmacSupported) return badRequest(`${to} does not support virtual MACs; remove the virtual MAC of ${block} first`);
      const task = ctx.state.startTask({ scope: 'ip', owner: block, ip: block, function: 'genericMoveFloatingIp', destination: to, apply: () => ctx.state.setRoutedTo(block, to) });
      return { status: 200, body: ipTaskJson(task) };
    },
  },
  {
    method: 'GET',
    template: '/ip/{ip}/task',
    action: 'ip:apiovh:task/get',
    auth: true,
    handle: (ctx) => (ctx.state.ips.has(ctx.params.ip!) ? { status: 200, body: taskIds(ctx.state, 'ip', ctx.params.ip!, ctx.query) } : notFound(ctx.params.ip!)),
  },
  {
    method: 'GET',
    template: '/ip/{ip}/task/{taskId}',
    action: 'ip:apiovh:task/get',
    auth: true,
    handle: (ctx) => {
      ctx.state.tick();
      const task = ctx.state.tasks.get(Number(ctx.params.taskId));
      return task && task.scope === 'ip' && task.owner === ctx.params.ip ? { status: 200, body: ipTaskJson(task) } : notFound(`task ${ctx.params.taskId}`);
    },
  },
  {
    method: 'GET',
    template: '/dedicated/server/{serviceName}/virtualMac',
    action: 'dedicatedServer:apiovh:virtualMac/get',
    auth: true,
    handle: (ctx) => {
      const s = server(ctx);
      return s ? { status: 200, body: [...s.vmacs.keys()] } : notFound(ctx.params.serviceName!);
    },
  },
  {
    method: 'POST',
    template: '/dedicated/server/{serviceName}/virtualMac',
    action: 'dedicatedServer:apiovh:virtualMac/create',
    auth: true,
    handle: (ctx) => {
      const sn = ctx.params.serviceName!;
      const s = server(ctx);
      if (!s) return notFound(sn);
      const type = field(ctx.body, 'type');
      if (type !== 'ovh' && type !== 'vmware') return badRequest('Invalid parameter type');
      if (!s.vmacSupported) return badRequest(`${sn} does not support virtual MACs`);
      const request = bindingRequest(ctx, sn);
      if ('status' in request) return request;
      const { block, vmName } = request;
      const task = ctx.state.startTask({ scope: 'server', owner: sn, ip: block, function: 'addVirtualMac', apply: () => ctx.state.setVmac(block, sn, ctx.state.generateMac(type), vmName) });
      return { status: 200, body: serverTaskJson(task) };
    },
  },
  {
    method: 'GET',
    template: '/dedicated/server/{serviceName}/virtualMac/{macAddress}',
    action: 'dedicatedServer:apiovh:virtualMac/get',
    auth: true,
    handle: (ctx) => {
      const vmac = server(ctx)?.vmacs.get(ctx.params.macAddress!);
      return vmac ? { status: 200, body: { macAddress: ctx.params.macAddress, type: vmac.type } } : notFound(ctx.params.macAddress!);
    },
  },
  {
    method: 'GET',
    template: '/dedicated/server/{serviceName}/virtualMac/{macAddress}/virtualAddress',
    action: 'dedicatedServer:apiovh:virtualMac/virtualAddress/get',
    auth: true,
    handle: (ctx) => {
      const vmac = server(ctx)?.vmacs.get(ctx.params.macAddress!);
      return vmac ? { status: 200, body: [...vmac.ips.keys()] } : notFound(ctx.params.macAddress!);
    },
  },
  {
    method: 'POST',
    template: '/dedicated/server/{serviceName}/virtualMac/{macAddress}/virtualAddress',
    action: 'dedicatedServer:apiovh:virtualMac/virtualAddress/create',
    auth: true,
    handle: (ctx) => {
      const sn = ctx.params.serviceName!;
      const mac = ctx.params.macAddress!;
      const vmac = server(ctx)?.vmacs.get(mac);
      if (!vmac) return notFound(mac);
      const request = bindingRequest(ctx, sn);
      if ('status' in request) return request;
      const { block, vmName } = request;
      const task = ctx.state.startTask({
        scope: 'server',
        owner: sn,
        ip: block,
        function: 'virtualMacAdd',
        // The vMAC may have vanished meanwhile (its last IP removed): then the add does nothing.
        apply: () => {
          if (ctx.state.servers.get(sn)?.vmacs.has(mac)) ctx.state.setVmac(block, sn, mac, vmName);
        },
      });
      return { status: 200, body: serverTaskJson(task) };
    },
  },
  {
    method: 'GET',
    template: '/dedicated/server/{serviceName}/virtualMac/{macAddress}/virtualAddress/{ipAddress}',
    action: 'dedicatedServer:apiovh:virtualMac/virtualAddress/get',
    auth: true,
    handle: (ctx) => {
      const vmac = server(ctx)?.vmacs.get(ctx.params.macAddress!);
      const vmName = vmac?.ips.get(ctx.params.ipAddress!);
      return vmName !== undefined ? { status: 200, body: { ipAddress: ctx.params.ipAddress, virtualMachineName: vmName } } : notFound(ctx.params.ipAddress!);
    },
  },
  {
    method: 'DELETE',
    template: '/dedicated/server/{serviceName}/virtualMac/{macAddress}/virtualAddress/{ipAddress}',
    action: 'dedicatedServer:apiovh:virtualMac/virtualAddress/delete',
    auth: true,
    handle: (ctx) => {
      const sn = ctx.params.serviceName!;
      const mac = ctx.params.macAddress!;
      const ipAddress = ctx.params.ipAddress!;
      if (!server(ctx)?.vmacs.get(mac)?.ips.has(ipAddress)) return notFound(ipAddress);
      const block = `${ipAddress}/32`;
      const busy = ctx.state.pendingTaskFor(block);
      if (busy) return pending(busy);
      const task = ctx.state.startTask({
        scope: 'server',
        owner: sn,
        ip: block,
        function: 'virtualMacDelete',
        apply: () => {
          if (ctx.state.vmacOf(block)?.mac === mac) ctx.state.setVmac(block, sn, null);
        },
      });
      return { status: 200, body: serverTaskJson(task) };
    },
  },
  {
    method: 'GET',
    template: '/dedicated/server/{serviceName}/task',
    action: 'dedicatedServer:apiovh:task/get',
    auth: true,
    handle: (ctx) => (server(ctx) ? { status: 200, body: taskIds(ctx.state, 'server', ctx.params.serviceName!, ctx.query) } : notFound(ctx.params.serviceName!)),
  },
  {
    method: 'GET',
    template: '/dedicated/server/{serviceName}/task/{taskId}',
    action: 'dedicatedServer:apiovh:task/get',
    auth: true,
    handle: (ctx) => {
      ctx.state.tick();
      const task = ctx.state.tasks.get(Number(ctx.params.taskId));
      return task && task.scope === 'server' && task.owner === ctx.params.serviceName ? { status: 200, body: serverTaskJson(task) } : notFound(`task ${ctx.params.taskId}`);
    },
  },
];

/** Finds the route for a method and a path below the base (raw, still percent-encoded). */
export function matchRoute(method: string, rawPath: string): { route: Route; params: Record<string, string> } | { template: string } | null {
  const parts = rawPath.split('/');
  let templateOnly: string | null = null;
  for (const route of ROUTES) {
    const tparts = route.template.split('/');
    if (tparts.length !== parts.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < tparts.length && ok; i++) {
      const t = tparts[i]!;
      if (t.startsWith('{')) {
        try {
          params[t.slice(1, -1)] = decodeURIComponent(parts[i]!);
        } catch {
          ok = false;
        }
        ok &&= parts[i] !== '';
      } else ok = t === parts[i];
    }
    if (!ok) continue;
    if (route.method === method) return { route, params };
    templateOnly = route.template;
  }
  return templateOnly ? { template: templateOnly } : null;
}
