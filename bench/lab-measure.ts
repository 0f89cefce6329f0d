// One measured failover in the lab: router a's ucarp is stopped (MASTER loss) at a uniformly
// random point of its advertisement interval, the clock starts, and the breakdown is read from the lab's own records: the ucarp scripts' event log (CARP
// switch), `ip monitor link` (tunnel up), the service's or handler's log (OSPF cost set), the OVH
// mock (claim received, task done) and the continuous ping (first reply through b). Then a's
// ucarp is started again (preempt fails back) and the lab is left settled for the next run.
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { AdvertisementWatch, INTERVAL_TOLERANCE_MS, advertisementIntervalMs } from '../test/lab/adverts.js';
import { firstReplyFrom, longestGap, type PingProbe } from '../test/lab/ping.js';
import type { LabOvh } from '../test/lab/ovh.js';
import type { RouterId } from '../test/lab/plan.js';
import type { Timeline } from '../test/lab/timeline.js';
import type { LabRun } from '../test/lab/up.js';
import { requestsBy } from '../test/lab/scenario-helpers.js';
import { waitFor } from '../test/lab/wait.js';
import { COSTS, readLog } from './lab-per-event.js';

/** Milliseconds after MASTER loss; null when the step was not seen. */
export interface Sample {
  /** The MASTER loss, ms after a's last advertisement: where in the interval the loss fell. */
  sinceAdvertisement: number;
  carpSwitch: number | null;
  tunnelUp: number | null;
  ospfCost: number | null;
  ovhClaim: number | null;
  taskDone: number | null;
  /** First ping reply through b: the outage. */
  firstReply: number;
  /** The longest gap between two ping replies (the same outage seen from the other side). */
  longestGap: number | null;
  /** OVH API requests made with b's credentials from MASTER loss until settled. */
  ovhCalls: number;
}

/** What failoverOnce needs of the lab, and how each architecture tells it has settled. */
export interface Cycle {
  run: LabRun;
  timeline: Timeline;
  ping: PingProbe;
  /** Each router's log that records 'ospf cost set' (the service's or the handler's). */
  logs: Record<RouterId, string>;
  ovh: LabOvh;
  /** Resolves once everything follows `master` again (services settled, or handlers done). */
  settled(master: RouterId, since: number): Promise<void>;
}

const FROM: RouterId = 'ra';
const TO: RouterId = 'rb';

function carpMaster(eventsFile: string, router: RouterId, since: number): number | null {
  for (const line of readFileSync(eventsFile, 'utf8').split('\n')) {
    const m = /^(\d+) (ra|rb) carp MASTER$/.exec(line);
    if (m && m[2] === router && Number(m[1]) >= since) return Number(m[1]);
  }
  return null;
}

/** Keeps the loss clear of both advertisements that bound the interval (sleep and watch jitter). */
const PHASE_MARGIN_MS = 50;

/**
 * Stops a's ucarp at a uniformly random point of its advertisement interval, as a crash lands,
 * and returns when (epoch ms) and how long after a's last advertisement. Back-to-back cycles
 * otherwise lose the MASTER at about the same point every time, since each failback restarts
 * a's advertisements and the lab settles in about the same time: that biased an earlier run
 * by ~280 ms between the two architectures.
 */
async function loseMaster(run: LabRun): Promise<{ t0: number; sinceAdvertisement: number }> {
  const carp = run.routers[FROM].carp;
  const interval = advertisementIntervalMs(carp.advskew);
  const watch = new AdvertisementWatch(run.lab, carp.router, interval);
  try {
    const advertised = await watch.next();
    await sleep(Math.max(0, advertised + PHASE_MARGIN_MS + Math.random() * (interval - 2 * PHASE_MARGIN_MS) - Date.now()));
    const t0 = Date.now();
    await carp.stop();
    if (watch.ticks.some((t) => t > advertised && t <= t0 && Math.abs(t - advertised - interval) <= INTERVAL_TOLERANCE_MS)) {
      throw new Error(`${FROM} advertised again before its loss at ${t0}: the loss was meant to fall inside one interval`);
    }
    return { t0, sinceAdvertisement: t0 - advertised };
  } finally {
    watch.stop();
  }
}

/** Fails over a → b once, measures it, fails back and waits until the lab is settled on a. */
export async function failoverOnce(c: Cycle): Promise<Sample> {
  const { run, timeline, ping } = c;
  const { t0, sinceAdvertisement } = await loseMaster(run);
  const reply = await waitFor(`the first ping reply through ${TO}`, 60_000, () => firstReplyFrom(ping.replies, TO, t0), 20);
  await c.settled(TO, t0);
  const after = (at: number | null | undefined) => (at == null ? null : at - t0);
  const events = timeline.sorted().filter((e) => e.at >= t0);
  const sample: Sample = {
    sinceAdvertisement,
    carpSwitch: after(carpMaster(run.eventsFile, TO, t0)),
    tunnelUp: after(events.find((e) => e.kind === 'tunnel' && e.router === TO && e.text.endsWith(' up'))?.at),
    ospfCost: after(readLog(c.logs[TO], t0).find((l) => l.msg === 'ospf cost set' && l.entry.cost === COSTS.master)?.at),
    ovhClaim: after(events.find((e) => e.kind === 'ovh' && e.router === TO && e.text.startsWith('OVH claim'))?.at),
    taskDone: after(events.find((e) => e.kind === 'ovh' && e.text.startsWith('OVH task done') && e.text.endsWith(`(${TO})`))?.at),
    firstReply: reply.at - t0,
    longestGap: longestGap(ping.replies, t0)?.gapMs ?? null,
    ovhCalls: requestsBy(c.ovh, TO, t0).length,
  };
  // The failback is not measured: its move task takes 0 s, so the runs take CARP's time only.
  const durations = c.ovh.mock.state.durations;
  const taskMs = durations.doingMs;
  durations.doingMs = 0;
  try {
    const t1 = Date.now();
    run.routers[FROM].carp.start();
    await waitFor(`the first ping reply through ${FROM} after failback`, 60_000, () => firstReplyFrom(ping.replies, FROM, t1));
    await c.settled(FROM, t1);
  } finally {
    durations.doingMs = taskMs;
  }
  return sample;
}

/** The median (mean of the middle two for an even count); null for no values. */
export function median(values: ReadonlyArray<number | null>): number | null {
  const xs = values.filter((v): v is number => v !== null).sort((a, b) => a - b);
  if (xs.length === 0) return null;
  const mid = Math.floor(xs.length / 2);
  return xs.length % 2 ? xs[mid]! : (xs[mid - 1]! + xs[mid]!) / 2;
}
