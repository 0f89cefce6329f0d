// Asynchronous read-outs of the lab's real state, for code that runs in the process hosting the OVH
// mock (the e2e tests, the bench, the demo): a synchronous child process there blocks the mock, and
// under load its answers then come after the services' client timeout (issue 14 item 17). Each
// read is one `ip`, `bridge` or `vtysh` process awaited, or one request on a status socket.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { request } from '../../src/cli/client.js';
import type { StatusReport } from '../../src/status/model.js';
import { VTYSH, type FrrInstance } from './frr.js';
import { EDGE_IF, HV_BRIDGE, INTERNAL_PREFIX, IPFO, NS_HV, NS_UP, ROUTERS, type RouterPlan } from './plan.js';
import type { LabService } from './services.js';

const run = promisify(execFile);

async function json<T>(file: string, args: string[]): Promise<T> {
  const { stdout } = await run(file, args, { encoding: 'utf8', timeout: 10_000 });
  return JSON.parse(stdout || '[]') as T;
}

/** The service's StatusReport through its status socket, or null when it does not answer. */
export async function readStatus(service: LabService, timeoutMs = 5000): Promise<StatusReport | null> {
  try {
    return (await request(service.router.statusSocket, 'status', undefined, { timeoutMs })) as StatusReport;
  } catch {
    return null;
  }
}

/** Whether the router's tunnel link (gre0) is administratively up. */
export async function readTunnelUp(r: RouterPlan): Promise<boolean> {
  const [link] = await json<Array<{ flags: string[] }>>('ip', ['-n', r.ns, '-j', 'link', 'show', r.greIf]);
  return link!.flags.includes('UP');
}

/** The MAC the router's external interface carries now. */
export async function readExternalMac(r: RouterPlan): Promise<string> {
  const [link] = await json<Array<{ address: string }>>('ip', ['-n', r.ns, '-j', 'link', 'show', r.extIf]);
  return link!.address;
}

/** The OSPF cost configured on an interface (running config: readable while the link is down). */
export async function readOspfCost(frr: FrrInstance, ifname: string): Promise<number | null> {
  const { stdout } = await run(VTYSH, ['--vty_socket', frr.dir, '-c', 'show running-config'], { encoding: 'utf8', timeout: 10_000 });
  const block = new RegExp(`^interface ${ifname}\\n((?: .*\\n)*)`, 'm').exec(stdout);
  const cost = block ? /^ ip ospf cost (\d+)$/m.exec(block[1]!) : null;
  return cost ? Number(cost[1]) : null;
}

/** The router upstream delivers the IPFO to: by route (move), or by MAC and bridge port. */
export async function readIpfoDelivery(): Promise<RouterPlan | undefined> {
  const [route] = await json<Array<{ gateway?: string; dev?: string; type?: string }>>('ip', ['-n', NS_UP, '-j', 'route', 'show', `${IPFO}/32`]);
  if (route?.gateway) return Object.values(ROUTERS).find((r) => r.greLocal === route.gateway);
  if (route?.dev !== EDGE_IF || route.type === 'blackhole') return undefined;
  const [neigh] = await json<Array<{ lladdr?: string }>>('ip', ['-n', NS_UP, '-j', 'neigh', 'show', IPFO, 'dev', EDGE_IF]);
  if (!neigh?.lladdr) return undefined;
  const fdb = await json<Array<{ mac: string; ifname?: string; flags?: string[] }>>('bridge', ['-n', NS_HV, '-j', 'fdb', 'show', 'br', HV_BRIDGE]);
  const port = fdb.find((e) => e.mac === neigh.lladdr && !(e.flags ?? []).includes('self'))?.ifname;
  return Object.values(ROUTERS).find((r) => r.hvPort === port);
}

/** Upstream's kernel route to the routers' internal prefix: the next hops OSPF chose. */
export async function readInternalRouteVia(): Promise<string[]> {
  const [route] = await json<Array<{ gateway?: string; nexthops?: Array<{ gateway: string }> }>>('ip', ['-n', NS_UP, '-j', 'route', 'show', INTERNAL_PREFIX]);
  if (!route) return [];
  return route.nexthops ? route.nexthops.map((n) => n.gateway) : route.gateway ? [route.gateway] : [];
}
