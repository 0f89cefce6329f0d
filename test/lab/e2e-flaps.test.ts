// End to end: a storm of 30 random flaps of the MASTER (its CARP stopped/started, or demoted/
// undemoted through the sysctl stand-in), seeded and printed so a failure can be replayed with
// CFL_FLAP_SEED. Afterwards everything must follow the final MASTER, and no router may ever have
// written to OVH while it was not CARP MASTER (the mock's request log against the CARP event log).
import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { frrUnavailable, netnsUnavailable, skipReason } from '../support/env.js';
import { carpEngineUnavailable } from './keepalived.js';
import { carpEvents, printTimeline, seededRandom, waitFollows, wasMasterAround } from './follow-checks.js';
import { scenarioForFile } from './file-scenario.js';
import { ROUTER_IDS, ROUTERS, type RouterId } from './plan.js';
import { servicesSettledAsync } from './services.js';
import { masterOf } from './up.js';
import { waitFor } from './wait.js';

const skip = skipReason('lab e2e flap storm', netnsUnavailable(), frrUnavailable(), carpEngineUnavailable()) !== null;

const FLAPS = 30;
/** The demotion a flap adds (and takes back) through the sysctl stand-in. */
const DEMOTION = 240;
/** A request the service sent just before it learnt it lost MASTER may still land: how late. */
const IN_FLIGHT_MS = 500;

describe.skipIf(skip)('lab: flap storm', () => {
  const scenario = scenarioForFile();

  it(`after ${FLAPS} random flaps everything follows the final MASTER, and only a MASTER ever wrote to OVH`, async () => {
    const lab = scenario();
    const seed = Number(process.env.CFL_FLAP_SEED ?? Math.floor(Math.random() * 2 ** 31));
    console.log(`flap storm: seed ${seed} (replay with CFL_FLAP_SEED=${seed})`);
    const random = seededRandom(seed);
    const stopped = new Set<RouterId>();
    const demoted = new Set<RouterId>();
    const sysctl = (id: RouterId, adj: number) => execFileSync(lab.run.routers[id].files.sysctl, [`net.inet.carp.demotion=${adj}`], { encoding: 'utf8' });
    const t0 = Date.now();
    const log: string[] = [];

    for (let i = 1; i <= FLAPS; i++) {
      // Flap the MASTER: give an election under way (a stopped MASTER leaves none for ~3 s) a
      // moment to finish, but not forever, since both may be stopped or demoted.
      const master = (await waitFor('a MASTER', 2000, () => masterOf(lab.run.routers)).catch(() => undefined))?.plan.id ?? null;
      const restorable = [...[...stopped].map((id) => ['start', id] as const), ...[...demoted].map((id) => ['undemote', id] as const)];
      // Between two MASTERs (a vhid with none for a moment), flap either router.
      const target: RouterId = master ?? (random() < 0.5 ? 'ra' : 'rb');
      const onMaster = [...(stopped.has(target) ? [] : [['stop', target] as const]), ...(demoted.has(target) ? [] : [['demote', target] as const])];
      const pool = restorable.length > 0 && (onMaster.length === 0 || random() < 0.5) ? restorable : onMaster.length > 0 ? onMaster : restorable;
      const [action, id] = pool[Math.floor(random() * pool.length)]!;
      const r = lab.run.routers[id];
      if (action === 'stop') {
        await r.carp.stop();
        stopped.add(id);
      } else if (action === 'start') {
        r.carp.start();
        stopped.delete(id);
      } else if (action === 'demote') {
        sysctl(id, DEMOTION);
        demoted.add(id);
      } else if (action === 'undemote') {
        sysctl(id, -DEMOTION);
        demoted.delete(id);
      }
      const pause = Math.round(200 + random() * 2800);
      log.push(`flap ${String(i).padStart(2)} +${String(Date.now() - t0).padStart(6)} ms: ${action} ${id} (MASTER was ${master ?? 'none'}), next in ${pause} ms`);
      await sleep(pause);
    }
    console.log(log.join('\n'));

    // Settle: every CARP running, no demotion left; preemption gives MASTER to router a.
    for (const id of demoted) sysctl(id, -DEMOTION);
    for (const id of stopped) lab.run.routers[id].carp.start();
    const stormEnd = Date.now();
    await waitFor('both services settled after the storm', 60_000, () => servicesSettledAsync(Object.values(lab.services)), 250).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}\n${lab.diagnose()}`);
    });
    const final = masterOf(lab.run.routers)?.plan.id;
    expect(final).toBe('ra');
    await waitFollows(lab, final!, 30_000);
    console.log(`flap storm: ${FLAPS} flaps in ${stormEnd - t0} ms; everything followed ${final} ${Date.now() - stormEnd} ms after the last restore`);

    // Every OVH write came from a router that was CARP MASTER then (or a moment before).
    const events = carpEvents(lab.run.eventsFile);
    const writes = lab.ovh.mock.writes().filter((w) => w.at >= t0);
    const byRouter = (caller: string | null): RouterId | undefined => ROUTER_IDS.find((id) => caller?.startsWith(`${lab.ovh.endpoints[id].applicationKey}/`));
    const lines = writes.map((w) => `${new Date(w.at).toISOString()} ${byRouter(w.caller) ?? w.caller} ${w.method} ${w.url} → ${w.status}`);
    console.log(`OVH writes during and after the storm (${writes.length}):\n${lines.join('\n')}`);
    printTimeline(lab, 'flap storm', t0);
    const unknown = writes.filter((w) => byRouter(w.caller) === undefined);
    expect(unknown).toEqual([]);
    const offenders = writes.filter((w) => !wasMasterAround(events, byRouter(w.caller)!, w.at, IN_FLIGHT_MS));
    expect(offenders.map((w) => `${new Date(w.at).toISOString()} ${byRouter(w.caller)} ${w.method} ${w.url}`)).toEqual([]);
    // The storm did move the IPFO, through the API (not a vacuous pass).
    expect(writes.length).toBeGreaterThan(0);
    expect(ROUTERS[final!].service).toBe(lab.ovh.mock.state.ips.get('203.0.113.10/32')?.routedTo);
  }, 180_000);
});
