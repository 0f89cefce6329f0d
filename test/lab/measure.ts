// What the e2e scenarios assert and the bench reports, measured one way for both: an unplanned
// failover (the MASTER's CARP stopped at a random point of its advertisement interval, counted
// from its last advertisement), and a planned drain and undrain (longest gap and lost pings of
// the continuous ping from upstream to the IPFO). A library, not a test file: no vitest here.
import { setTimeout as sleep } from 'node:timers/promises';
import { AdvertisementWatch, advertisementIntervalMs } from './adverts.js';
import { carpEvents, cli, other, waitFollows, type FollowOptions } from './follow-checks.js';
import { firstReplyFrom, longestGap, lostBetween, type PingProbe } from './ping.js';
import { carpDetectionMs, type RouterId } from './plan.js';
import { writesBy, type Scenario } from './scenario-helpers.js';
import { waitFor } from './wait.js';

/** One unplanned failover, ms. */
export interface FailoverSample {
  /** When the MASTER was lost (epoch ms): t=0 of its timeline. */
  lostAt: number;
  /** The MASTER's loss, after its last advertisement: where in the interval it fell. */
  sinceAdvertisement: number;
  /** CARP's detection as measured: the new MASTER's switch − the old one's last advertisement. */
  detection: number | null;
  /** The outage counted from the old MASTER's last advertisement: first reply through the new one. */
  outageFromAdvertisement: number;
  /** That outage − CARP's own detection time (3 × advbase + advskew/256): the service's share. */
  overDetection: number;
  /** From the new MASTER's CARP switch to its first data-plane change (tunnel up or vMAC carried). */
  firstCommand: number | null;
  /** From the new MASTER's CARP switch to its first OVH write received by the mock. */
  claim: number | null;
  /** OVH writes (POST/PUT/DELETE) by the new MASTER from the loss until everything followed. */
  ovhWrites: number;
}

/** One planned move (drain or undrain), ms and pings. */
export interface MoveSample {
  /** When the command was run (epoch ms): t=0 of its timeline. */
  startedAt: number;
  longestGap: number;
  lost: number;
  /** How long until everything followed the new MASTER. */
  settledAfter: number;
}

export interface MeasureOptions {
  /** What must follow the new MASTER before a move counts as done (follow-checks.ts). */
  follow?: FollowOptions;
  /** How long the new MASTER may take to be followed by everything (OVH tasks included). */
  followMs?: number;
  /** Fail back with the mock's tasks at 0 s, so that only the measured move waits for them. */
  quickFailback?: boolean;
  /** Drain with `drain` instead of `drain --wait` (which needs OVH to confirm the binding). */
  noWait?: boolean;
}

/** The switch to MASTER of `router` logged at or after `since`, epoch ms. */
function switchedAt(s: Scenario, router: RouterId, since: number): number | null {
  return carpEvents(s.run.eventsFile).find((e) => e.at >= since && e.router === router && e.state === 'MASTER')?.at ?? null;
}

/** Runs fn with the mock's tasks taking 0 s (a failback nobody measures). */
async function withInstantTasks<T>(s: Scenario, on: boolean, fn: () => Promise<T>): Promise<T> {
  const durations = s.ovh.mock.state.durations;
  const saved = durations.doingMs;
  if (on) durations.doingMs = 0;
  try {
    return await fn();
  } finally {
    durations.doingMs = saved;
  }
}

/**
 * Stops `from`'s CARP at a uniformly random point of its advertisement interval (as a crash lands),
 * measures the failover to the other router, then starts `from` again (preempt fails back) and
 * waits until everything follows it.
 */
export async function measureFailover(s: Scenario, ping: PingProbe, from: RouterId = 'ra', options: MeasureOptions = {}): Promise<FailoverSample> {
  const to = other(from);
  const carp = s.run.routers[from].carp;
  const watch = new AdvertisementWatch(s.run.lab, carp.router, advertisementIntervalMs(0));
  let t0: number;
  let last: number;
  try {
    // The second advertisement the watcher sees: its first ones can come late while it starts.
    const advertised = await watch.next(await watch.next());
    const interval = advertisementIntervalMs(0);
    await sleep(Math.max(0, advertised + 50 + Math.random() * (interval - 100) - Date.now()));
    t0 = Date.now();
    await carp.stop();
    last = watch.ticks.filter((t) => t <= t0).at(-1) ?? advertised;
  } finally {
    watch.stop();
  }
  const reply = await waitFor(`the first ping reply through ${to}`, options.followMs ?? 60_000, () => firstReplyFrom(ping.replies, to, t0), 5);
  await waitFollows(s, to, options.followMs ?? 60_000, options.follow);
  const switched = switchedAt(s, to, t0);
  const events = s.timeline.sorted().filter((e) => e.at >= (switched ?? t0) && e.router === to);
  const dataPlane = events.find((e) => (e.kind === 'tunnel' && e.text.endsWith(' up')) || e.kind === 'mac');
  const writes = writesBy(s.ovh, to, t0);
  const sample: FailoverSample = {
    lostAt: t0,
    sinceAdvertisement: t0 - last,
    detection: switched === null ? null : switched - last,
    outageFromAdvertisement: reply.at - last,
    overDetection: reply.at - last - carpDetectionMs(s.run.routers[to].carp.advskew),
    firstCommand: switched === null || !dataPlane ? null : dataPlane.at - switched,
    claim: switched === null || writes.length === 0 ? null : writes[0]!.at - switched,
    ovhWrites: writes.length,
  };
  await withInstantTasks(s, options.quickFailback ?? true, async () => {
    const t1 = Date.now();
    carp.start();
    await waitFor(`the first ping reply through ${from} after failback`, 60_000, () => firstReplyFrom(ping.replies, from, t1), 20);
    await waitFollows(s, from, 60_000, options.follow);
  });
  return sample;
}

/** `drain --wait` on `from` and then `undrain`, each measured from its command to everything followed. */
export async function measureDrain(s: Scenario, ping: PingProbe, from: RouterId = 'ra', options: MeasureOptions = {}): Promise<{ drain: MoveSample; undrain: MoveSample }> {
  const to = other(from);
  const move = async (args: string[], master: RouterId): Promise<MoveSample> => {
    const t0 = Date.now();
    const result = await cli(s.services[from], args, (options.followMs ?? 60_000) + 15_000);
    if (result.code !== 0) throw new Error(`carp-failover ${args.join(' ')} exited ${result.code}: ${result.stdout}${result.stderr}`);
    await waitFollows(s, master, options.followMs ?? 60_000, options.follow);
    const settled = Date.now();
    // A few more replies, so a gap at the very end is closed by a reply and counted.
    await waitFor('replies after the move', 5000, () => ping.replies.filter((r) => r.at > settled).length >= 5, 20);
    return {
      startedAt: t0,
      longestGap: longestGap(ping.replies, t0)?.gapMs ?? 0,
      lost: lostBetween(ping.replies, t0).length,
      settledAfter: settled - t0,
    };
  };
  const drain = await move(options.noWait ? ['drain'] : ['drain', '--wait', '--timeout', String(Math.ceil((options.followMs ?? 60_000) / 1000))], to);
  const undrain = await move(['undrain'], from);
  return { drain, undrain };
}

/** The median of the values (mean of the middle two for an even count); null for none. */
export function median(values: ReadonlyArray<number | null>): number | null {
  const xs = values.filter((v): v is number => v !== null).sort((a, b) => a - b);
  if (xs.length === 0) return null;
  const mid = Math.floor(xs.length / 2);
  return xs.length % 2 ? xs[mid]! : (xs[mid - 1]! + xs[mid]!) / 2;
}
