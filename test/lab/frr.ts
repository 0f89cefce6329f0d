// FRR zebra + ospfd in the lab's namespaces, through the shared test/support/frr.ts (one
// pathspace per instance: its own vty and zserv sockets, so several run side by side), plus the
// lab's OSPF configs and a few read-outs.
import { join } from 'node:path';
import { nsExec } from '../support/netns.js';
import { startFrr as startFrrInstance, VTYSH, type FrrInstance } from '../support/frr.js';
import type { Lab } from './lab.js';
import { INTERNAL_PREFIX, NS_UP, ROUTERS, UPSTREAM_ADDR, type RouterPlan } from './plan.js';

export { VTYSH, type FrrInstance };

/** Starts zebra+ospfd in ns with this config; they die with the namespace in lab.teardown(). */
export function startFrr(lab: Lab, ns: string, name: string, config: string): Promise<FrrInstance> {
  return startFrrInstance({ ns, name, dir: join(lab.dir, `frr-${name}`), config });
}

// hello 1 / dead 3, and a 1 s retransmit interval (default 5 s), so that an adjacency re-forms
// within seconds of a tunnel coming back up.
const P2P = [' ip ospf area 0.0.0.0', ' ip ospf network point-to-point', ' ip ospf hello-interval 1', ' ip ospf dead-interval 3', ' ip ospf retransmit-interval 1'];
/** SPF runs at once after a change (default initial delay 0, hold 50 ms, max 5 s: keep max low). */
const ROUTER_TIMERS = [' timers throttle spf 0 50 500'];

/** A router's ospfd: OSPF over its tunnel link; the CARP segment advertised as a passive stub. */
export function routerOspfConf(r: RouterPlan, initialCost: number): string {
  return [
    `hostname ${r.ns}`,
    `interface ${r.greIf}`, ...P2P, ` ip ospf cost ${initialCost}`, '!',
    `interface ${r.carpIf}`, ' ip ospf area 0.0.0.0', ` ip ospf cost ${initialCost}`, '!',
    'router ospf', ` ospf router-id ${r.carpAddr}`, ` passive-interface ${r.carpIf}`, ...ROUTER_TIMERS, '!', '',
  ].join('\n');
}

/** Upstream's ospfd: adjacencies on both tunnel links; originates a default toward the rest of the world. */
export function upstreamOspfConf(): string {
  const ifaces = Object.values(ROUTERS).flatMap((r) => [`interface ${r.upIf}`, ...P2P, ' ip ospf cost 10', '!']);
  return [`hostname ${NS_UP}`, ...ifaces, 'router ospf', ` ospf router-id ${UPSTREAM_ADDR}`, ' default-information originate always', ...ROUTER_TIMERS, '!', ''].join('\n');
}

/** Full OSPF neighbours of an instance. */
export function fullNeighbors(frr: FrrInstance): number {
  const json = JSON.parse(frr.vtysh('show ip ospf neighbor json')) as { neighbors?: Record<string, Array<{ nbrState?: string }>> };
  return Object.values(json.neighbors ?? {}).flat().filter((n) => n.nbrState?.startsWith('Full')).length;
}

/** Upstream's kernel route to the routers' internal prefix: the next hops and metric OSPF chose. */
export function internalRoute(): { via: string[]; metric: number | null } {
  const out = nsExec(NS_UP, ['ip', '-j', 'route', 'show', INTERNAL_PREFIX]);
  const [route] = JSON.parse(out || '[]') as Array<{ gateway?: string; metric?: number; nexthops?: Array<{ gateway: string }> }>;
  if (!route) return { via: [], metric: null };
  const via = route.nexthops ? route.nexthops.map((n) => n.gateway) : route.gateway ? [route.gateway] : [];
  return { via, metric: route.metric ?? null };
}

/** The OSPF metric (cost sum) and next hops of `prefix` in an instance's RIB, from vtysh. */
export function ospfRoute(frr: FrrInstance, prefix: string): { metric: number; via: string[] } | null {
  const json = JSON.parse(frr.vtysh(`show ip route ${prefix} json`)) as Record<string, Array<{ protocol: string; selected?: boolean; metric: number; nexthops?: Array<{ ip?: string; active?: boolean }> }>>;
  const route = (json[prefix] ?? []).find((r) => r.protocol === 'ospf' && r.selected);
  if (!route) return null;
  return { metric: route.metric, via: (route.nexthops ?? []).filter((n) => n.active !== false && n.ip).map((n) => n.ip!) };
}
