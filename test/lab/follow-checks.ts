// What the failover, drain and flap-storm scenarios assert after every move: everything (CARP,
// the OVH binding and upstream's route for the IPFO, tunnels, OSPF costs, upstream's OSPF route,
// both services' status) follows one router, read from the real state, each mismatch named.
// Also: the CLI as an operator runs it, the CARP event log as intervals and a seeded PRNG. No
// vitest here (the bench imports it): the per-file hooks are in file-scenario.ts.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { ROUTER_IDS, ROUTERS, SHARED_VMAC, type RouterId } from './plan.js';
import { ipfoBinding, type Scenario } from './scenario-helpers.js';
import { readExternalMac, readInternalRouteVia, readIpfoDelivery, readOspfCost, readStatus, readTunnelUp } from './readouts.js';
import { BIN, type LabService } from './services.js';
import { readCarpState } from './standins/common.mjs';
import { waitFor } from './wait.js';

/** The lab config's OSPF costs (services.ts). */
export const COST = { master: 10, backup: 1000 } as const;

export const other = (id: RouterId): RouterId => (id === 'ra' ? 'rb' : 'ra');

export interface FollowOptions {
  /** Also require upstream's OSPF route to the internal prefix via the MASTER only (default true). */
  ospfRoute?: boolean;
  /** Require both services to answer with the expected role and every resource in sync (default true). */
  services?: boolean;
  /** Resources whose sync is not required (ids starting with these), e.g. 'ovh:' while OVH answers 5xx. */
  unsyncedOk?: string[];
}

/** What does not follow `master` yet, one line each; empty when everything does. Every read is
 *  awaited (readouts.ts): this runs in the process that hosts the OVH mock. */
export async function mismatches(s: Scenario, master: RouterId, options: FollowOptions = {}): Promise<string[]> {
  const out: string[] = [];
  const safe = async <T>(what: string, read: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await read();
    } catch (error) {
      out.push(`${what}: ${(error as Error).message.split('\n')[0]}`);
      return undefined;
    }
  };
  const shared = s.ovh.strategy === 'shared-vmac';
  for (const id of ROUTER_IDS) {
    const isMaster = id === master;
    const r = s.run.routers[id];
    const carp = readCarpState(r.files.carpStateFile);
    if (carp !== (isMaster ? 'MASTER' : 'BACKUP')) out.push(`${id}: CARP ${carp}`);
    const up = await safe(`${id} tunnel`, () => readTunnelUp(r.plan));
    if (up !== undefined && up !== isMaster) out.push(`${id}: tunnel ${up ? 'up' : 'down'}`);
    const want = isMaster ? COST.master : COST.backup;
    for (const ifname of [r.plan.greIf, r.plan.carpIf]) {
      const cost = await safe(`${id} cost`, () => readOspfCost(r.frr, ifname));
      if (cost !== undefined && cost !== want) out.push(`${id}: OSPF cost on ${ifname} ${cost}, want ${want}`);
    }
    // With shared-vmac the binding never moves: the MASTER carries the vMAC it is bound to.
    if (shared) {
      const carrying = await safe(`${id} MAC`, async () => (await readExternalMac(r.plan)) === SHARED_VMAC);
      if (carrying !== undefined && carrying !== isMaster) out.push(`${id}: ${carrying ? 'carries' : 'does not carry'} the shared vMAC`);
    }
    if (options.services !== false) {
      const report = await readStatus(s.services[id]);
      if (report === null) out.push(`${id}: service does not answer`);
      else {
        if (report.role !== (isMaster ? 'MASTER' : 'BACKUP')) out.push(`${id}: service role ${report.role}`);
        const excused = (rid: string) => (options.unsyncedOk ?? []).some((prefix) => rid.startsWith(prefix));
        const behind = report.resources.filter((res) => res.inSync !== true && res.desired != null && !excused(res.id)).map((res) => res.id);
        if (behind.length) out.push(`${id}: not in sync: ${behind.join(', ')}`);
      }
    }
  }
  const bound = ipfoBinding(s.ovh);
  if (bound !== (shared ? 'shared' : master)) out.push(`OVH binding at the mock: ${bound ?? 'nothing'}`);
  const routed = await safe('upstream IPFO delivery', async () => (await readIpfoDelivery())?.id ?? null);
  if (routed !== undefined && routed !== master) out.push(`upstream delivers the IPFO to ${routed ?? 'nothing'}`);
  if (options.ospfRoute !== false) {
    const via = await safe('upstream OSPF route', () => readInternalRouteVia());
    if (via !== undefined && (via.length !== 1 || via[0] !== ROUTERS[master].greLocal)) out.push(`upstream's OSPF route to the internal prefix via [${via.join(', ')}]`);
  }
  return out;
}

/** Waits until everything follows `master`; the timeout names what did not, with diagnostics. */
export async function waitFollows(s: Scenario, master: RouterId, timeoutMs: number, options: FollowOptions = {}): Promise<void> {
  let last: string[] = [];
  try {
    await waitFor(`everything to follow ${master}`, timeoutMs, async () => (last = await mismatches(s, master, options)).length === 0, 200);
  } catch (error) {
    throw new Error(`${(error as Error).message}: ${last.join('; ')}\n${s.diagnose()}`);
  }
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** `carp-failover <args> -c <the router's config>`, asynchronously (the probes keep running). */
export function cli(service: LabService, args: string[], timeoutMs = 20_000): Promise<CliResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args, '-c', service.configPath], { encoding: 'utf8', timeout: timeoutMs }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof (error as { code?: unknown }).code === 'number' ? ((error as { code: number }).code) : -1;
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

export interface CarpEvent {
  at: number;
  router: RouterId;
  state: 'MASTER' | 'BACKUP';
}

/** The stand-in server's CARP log ("<epoch ms> <router> carp <STATE>"), oldest first. */
export function carpEvents(eventsFile: string): CarpEvent[] {
  const out: CarpEvent[] = [];
  for (const line of readFileSync(eventsFile, 'utf8').split('\n')) {
    const m = /^(\d+) (ra|rb) carp (MASTER|BACKUP)$/.exec(line);
    if (m) out.push({ at: Number(m[1]), router: m[2] as RouterId, state: m[3] as 'MASTER' | 'BACKUP' });
  }
  return out.sort((a, b) => a.at - b.at);
}

/** Whether `router` was CARP MASTER at some instant of [at − toleranceMs, at] per the log. */
export function wasMasterAround(events: readonly CarpEvent[], router: RouterId, at: number, toleranceMs: number): boolean {
  let state: string = 'INIT';
  for (const e of events) {
    if (e.router !== router) continue;
    if (e.at > at) break;
    if (e.at >= at - toleranceMs && state === 'MASTER') return true;
    state = e.state;
  }
  return state === 'MASTER';
}

/** mulberry32: a small seeded PRNG, so a storm can be replayed from its printed seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Prints the lab's timeline (CARP, tunnels, OSPF, OVH, the services' own steps) from t0. */
export function printTimeline(s: Scenario, title: string, t0: number, until = Infinity): void {
  s.timeline.collectCarp();
  for (const id of ROUTER_IDS) s.timeline.collectServiceLog(id, s.services[id].logFile);
  console.log(`\n${title} (t=0 at ${new Date(t0).toISOString()}):\n${s.timeline.render(t0, until).join('\n')}`);
}

/** How long after `router` became CARP MASTER (at or after `since`) its first OVH write came. */
export function claimLagMs(s: Scenario, router: RouterId, since: number): number | null {
  const master = carpEvents(s.run.eventsFile).find((e) => e.at >= since && e.router === router && e.state === 'MASTER');
  const ak = s.ovh.endpoints[router].applicationKey;
  const write = s.ovh.mock.writes().find((w) => w.at >= since && w.caller?.startsWith(`${ak}/`));
  return master && write ? write.at - master.at : null;
}

/** The new MASTER claims within this of its CARP switch: the lab's provider settle is 200 ms. */
export const CLAIM_LAG_MAX_MS = 3000;

