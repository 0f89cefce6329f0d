// FRR zebra + ospfd in a namespace, one pathspace per instance (its own vty and zserv sockets)
// so several run side by side. Lab-specific until test/support/frr.ts lands; then startFrr()
// becomes a thin call to it (same inputs: namespace, name, ospfd config text).
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nsExec } from '../support/netns.js';
import type { Lab } from './lab.js';
import { INTERNAL_PREFIX, NS_UP, ROUTERS, UPSTREAM_ADDR, type RouterPlan } from './plan.js';

export const VTYSH = '/usr/bin/vtysh';

export interface FrrInstance {
  ns: string;
  /** --vty_socket directory: `vtysh --vty_socket <dir>` reaches this instance from any namespace. */
  dir: string;
  stop(): void;
}

function frrIds(): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', 'frr'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'frr'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

/** Starts zebra then ospfd (each daemonizes; their pid files let stop() end them). */
export function startFrr(lab: Lab, ns: string, name: string, ospfdConf: string): FrrInstance {
  const dir = join(lab.dir, `frr-${name}`);
  mkdirSync(dir, { recursive: true });
  const { uid, gid } = frrIds();
  const files = { 'zebra.conf': `hostname ${name}\n`, 'ospfd.conf': ospfdConf };
  for (const [file, text] of Object.entries(files)) {
    writeFileSync(join(dir, file), text);
    chownSync(join(dir, file), uid, gid);
  }
  chownSync(dir, uid, gid);
  const common = ['-d', '-N', name, '--vty_socket', dir, '-z', join(dir, 'zserv.api')];
  const instance: FrrInstance = {
    ns,
    dir,
    stop: () => {
      for (const daemon of ['ospfd', 'zebra']) {
        const pidFile = join(dir, `${daemon}.pid`);
        if (!existsSync(pidFile)) continue;
        try {
          process.kill(Number(readFileSync(pidFile, 'utf8').trim()), 'SIGKILL');
        } catch {
          /* gone */
        }
      }
    },
  };
  lab.onTeardown(instance.stop);
  nsExec(ns, ['/usr/lib/frr/zebra', ...common, '-f', join(dir, 'zebra.conf'), '-i', join(dir, 'zebra.pid')]);
  nsExec(ns, ['/usr/lib/frr/ospfd', ...common, '-f', join(dir, 'ospfd.conf'), '-i', join(dir, 'ospfd.pid')]);
  return instance;
}

// hello 1 / dead 3, and a 1 s retransmit (default 5 s): a lost first DD packet when a tunnel
// comes up would otherwise hold the adjacency in ExStart for seconds.
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

/** Upstream's ospfd: adjacencies on both tunnel links; originates the default the routers reply by. */
export function upstreamOspfConf(): string {
  const ifaces = Object.values(ROUTERS).flatMap((r) => [`interface ${r.upIf}`, ...P2P, ' ip ospf cost 10', '!']);
  return [`hostname ${NS_UP}`, ...ifaces, 'router ospf', ` ospf router-id ${UPSTREAM_ADDR}`, ' default-information originate always', ...ROUTER_TIMERS, '!', ''].join('\n');
}

/** Runs vtysh against an instance from the root namespace (over its Unix sockets). */
export function vtysh(frr: FrrInstance, ...commands: string[]): string {
  return execFileSync(VTYSH, ['--vty_socket', frr.dir, ...commands.flatMap((c) => ['-c', c])], { encoding: 'utf8' });
}

/** Full OSPF neighbours of an instance. */
export function fullNeighbors(frr: FrrInstance): number {
  const json = JSON.parse(vtysh(frr, 'show ip ospf neighbor json')) as { neighbors?: Record<string, Array<{ nbrState?: string }>> };
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
  const json = JSON.parse(vtysh(frr, `show ip route ${prefix} json`)) as Record<string, Array<{ protocol: string; selected?: boolean; metric: number; nexthops?: Array<{ ip?: string; active?: boolean }> }>>;
  const route = (json[prefix] ?? []).find((r) => r.protocol === 'ospf' && r.selected);
  if (!route) return null;
  return { metric: route.metric, via: (route.nexthops ?? []).filter((n) => n.active !== false && n.ip).map((n) => n.ip!) };
}
