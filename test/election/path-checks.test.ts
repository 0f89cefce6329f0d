// The check scheduler on a fake clock: when probes run, when verdicts move, that a check never
// has two probes in flight, and what it adds to the path demotion.
import { afterEach, describe, expect, it } from 'vitest';
import { pathCheck, type PathCheckConfig } from '../../src/config/schema-election.js';
import { PathChecks, type CheckChange } from '../../src/election/path-checks.js';
import type { Probe } from '../../src/election/probe.js';
import { FakeClock } from '../fakes/clock.js';
import { captureLogger } from '../fakes/logger.js';

const check = (over: Record<string, unknown>): PathCheckConfig =>
  pathCheck.parse({ name: 'upstream', type: 'icmp', target: '192.0.2.1', interval_ms: 1000, timeout_ms: 500, fall: 3, rise: 2, weight: 50, ...over });

interface Rig {
  clock: FakeClock;
  checks: PathChecks;
  changes: CheckChange[];
  /** Probe start times (fake ms since the start) per check. */
  starts: Record<string, number[]>;
  /** Set a check's answer; 'hang' never settles until `release`. */
  answer: Record<string, boolean | 'hang'>;
  release: () => void;
  maxInFlight: Record<string, number>;
}

let rig: Rig | null = null;
afterEach(async () => {
  rig?.release();
  await rig?.checks.stop();
  rig = null;
});

/** leading: this node is MASTER (its checks go down one result later, come back as configured). */
function makeRig(configs: PathCheckConfig[], leading = false): Rig {
  const clock = new FakeClock();
  const t0 = clock.now();
  const changes: CheckChange[] = [];
  const starts: Record<string, number[]> = {};
  const answer: Record<string, boolean | 'hang'> = {};
  const maxInFlight: Record<string, number> = {};
  const inFlight: Record<string, number> = {};
  let hanging: Array<() => void> = [];
  const probeFor = (c: PathCheckConfig): Probe => async () => {
    (starts[c.name] ??= []).push(clock.now() - t0);
    inFlight[c.name] = (inFlight[c.name] ?? 0) + 1;
    maxInFlight[c.name] = Math.max(maxInFlight[c.name] ?? 0, inFlight[c.name]!);
    try {
      const a = answer[c.name] ?? true;
      if (a === 'hang') await new Promise<void>((resolve) => hanging.push(resolve));
      return { ok: a === true, detail: a === true ? 'reply' : 'no reply' };
    } finally {
      inFlight[c.name]!--;
    }
  };
  const checks = new PathChecks({ clock, log: captureLogger('silent').log, probeFor, onChange: (c) => changes.push({ ...c, at: c.at - t0 }), leading: () => leading }, configs);
  rig = {
    clock,
    checks,
    changes,
    starts,
    answer,
    maxInFlight,
    release: () => {
      for (const r of hanging.splice(0)) r();
    },
  };
  return rig;
}

describe('PathChecks', () => {
  it('probes at start and then every interval_ms; pending until the first verdict', async () => {
    const r = makeRig([check({})]);
    expect(r.checks.pending()).toEqual(['upstream']);
    r.checks.start();
    await r.clock.advance(3500);
    expect(r.starts.upstream).toEqual([0, 1000, 2000, 3000]);
    expect(r.checks.pending()).toEqual([]);
    expect(r.checks.status()[0]).toMatchObject({ state: 'up', streak: 4, probes: 4, failures: 0, demotion: 0, probing: false, target: '192.0.2.1' });
  });

  it('(BACKUP) goes down after fall × interval of failures, adds its weight, and comes back after rise + 1 successes', async () => {
    const r = makeRig([check({})]);
    r.checks.start();
    await r.clock.advance(2500); // probes at 0, 1000, 2000: up
    r.answer.upstream = false;
    await r.clock.advance(2000); // failures at 3000, 4000
    expect(r.checks.demotion()).toBe(0);
    await r.clock.advance(1000); // third failure at 5000
    expect(r.changes).toEqual([
      { name: 'upstream', from: 'pending', to: 'up', detail: 'reply', at: 0 },
      { name: 'upstream', from: 'up', to: 'down', detail: 'no reply', at: 5000 },
    ]);
    expect(r.checks.demotion()).toBe(50);
    expect(r.checks.status()[0]).toMatchObject({ state: 'down', streak: -3, demotion: 50, failures: 3 });
    r.answer.upstream = true;
    await r.clock.advance(2000); // successes at 6000, 7000: rise 2, but a BACKUP waits one more
    expect(r.checks.demotion()).toBe(50);
    await r.clock.advance(1000); // third at 8000
    expect(r.changes.at(-1)).toEqual({ name: 'upstream', from: 'down', to: 'up', detail: 'reply', at: 8000 });
    expect(r.checks.demotion()).toBe(0);
  });

  it('a path flapping every 2 s for 30 s (failures never fall in a row) changes no verdict', async () => {
    const r = makeRig([check({ fall: 3, rise: 3 })]);
    r.checks.start();
    await r.clock.advance(500);
    const before = r.changes.length;
    for (let t = 0; t < 30_000; t += 2000) {
      r.answer.upstream = (t / 2000) % 2 === 0 ? false : true;
      await r.clock.advance(2000);
    }
    expect(r.changes.length).toBe(before);
    expect(r.checks.demotion()).toBe(0);
    expect(r.checks.status()[0]!.failures).toBeGreaterThanOrEqual(14);
  });

  it('never runs two probes of one check at once: a hung probe fails at its timeout and the next waits for it', async () => {
    const r = makeRig([check({ fall: 1 })]);
    r.answer.upstream = 'hang';
    r.checks.start();
    await r.clock.advance(600);
    // Timed out at 500 ms: counted as a failure (fall 1: down), but still in flight.
    expect(r.checks.status()[0]).toMatchObject({ state: 'down', probing: true, lastResult: { ok: false, detail: 'no result within 500 ms', durationMs: 500 } });
    await r.clock.advance(10_000);
    expect(r.starts.upstream).toEqual([0]);
    r.answer.upstream = true;
    r.release();
    await r.clock.advance(1);
    // Settled at 10 600 ms, long after its interval: the next probe starts at once, alone.
    expect(r.starts.upstream).toEqual([0, 10_600]);
    expect(r.maxInFlight.upstream).toBe(1);
  });

  it('on a MASTER a check goes down one failure later and comes back as configured; on a BACKUP it comes back one success later', async () => {
    const master = makeRig([check({ fall: 3, rise: 2 })], true);
    master.checks.start();
    await master.clock.advance(500);
    master.answer.upstream = false;
    await master.clock.advance(3000); // failures at 1000, 2000, 3000: fall reached, not fall + 1
    expect(master.checks.status()[0]!.state).toBe('up');
    await master.clock.advance(1000); // fourth failure at 4000
    expect(master.changes.at(-1)).toMatchObject({ to: 'down', at: 4000 });
    master.answer.upstream = true;
    await master.clock.advance(2000); // successes at 5000, 6000: rise 2
    expect(master.changes.at(-1)).toMatchObject({ to: 'up', at: 6000 });
    await master.checks.stop();

    const backup = makeRig([check({ fall: 3, rise: 2 })], false);
    backup.checks.start();
    await backup.clock.advance(500);
    backup.answer.upstream = false;
    await backup.clock.advance(3000);
    expect(backup.changes.at(-1)).toMatchObject({ to: 'down', at: 3000 });
    backup.answer.upstream = true;
    await backup.clock.advance(2000); // 4000, 5000: rise 2 is not enough on a BACKUP
    expect(backup.checks.status()[0]!.state).toBe('down');
    await backup.clock.advance(1000);
    expect(backup.changes.at(-1)).toMatchObject({ to: 'up', at: 6000 });
  });

  it('sums the weights of the checks that are down, each on its own timer', async () => {
    const r = makeRig([check({ name: 'a', weight: 30, fall: 1 }), check({ name: 'b', weight: 40, fall: 1, interval_ms: 3000 }), check({ name: 'c', weight: 200, fall: 1 })]);
    r.answer.a = false;
    r.answer.b = false;
    r.checks.start();
    await r.clock.advance(100);
    expect(r.checks.demotion()).toBe(70);
    expect(r.checks.status().map((s) => [s.name, s.demotion])).toEqual([
      ['a', 30],
      ['b', 40],
      ['c', 0],
    ]);
    await r.clock.advance(5000);
    expect(r.starts.b).toEqual([0, 3000]);
    expect(r.starts.a).toHaveLength(6);
  });

  it('a reload keeps the verdict of an unchanged check and starts a changed one afresh', async () => {
    const r = makeRig([check({ name: 'keep', fall: 1 }), check({ name: 'change', fall: 1 })]);
    r.answer.keep = false;
    r.answer.change = false;
    r.checks.start();
    await r.clock.advance(100);
    expect(r.checks.demotion()).toBe(100);
    await r.checks.replace([check({ name: 'keep', fall: 1 }), check({ name: 'change', fall: 2 })]);
    expect(r.checks.status().map((s) => [s.name, s.state])).toEqual([
      ['keep', 'down'],
      ['change', 'pending'],
    ]);
    expect(r.checks.demotion()).toBe(50);
    await r.clock.advance(1000);
    expect(r.checks.status()[1]!.state).toBe('down');
  });

  it('stop() cancels the timers: no probe after it', async () => {
    const r = makeRig([check({})]);
    r.checks.start();
    await r.clock.advance(1500);
    await r.checks.stop();
    await r.clock.advance(10_000);
    expect(r.starts.upstream).toEqual([0, 1000]);
    expect(r.clock.pending()).toBe(0);
  });
});
