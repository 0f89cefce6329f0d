// The figures: how long after its upstream dies the preferred router hands MASTER over, how long
// a hold keeps it back, that both routers add the same share, and that a restart keeps a hold.
// Two elected engines on a fake clock (rig.ts); the check probes every 1 s, times out at 500 ms,
// fall 3, rise 3.
import { afterEach, describe, expect, it } from 'vitest';
import { renderMetrics } from '../../src/status/metrics.js';
import { STATUS_VERSION, type StatusReport } from '../../src/status/model.js';
import { play, steadyPair, type Pair } from './steady.js';

const INTERVAL = 1000;
const FALL = 3;
const RISE = 3;

let pair: Pair | null = null;
afterEach(async () => {
  await pair?.w.close();
  pair = null;
});

/** A report as the service builds it, from the engine's part. */
function report(pair: Pair, router: 'a' | 'b'): StatusReport {
  const now = new Date(pair.w.clock.now()).toISOString();
  return { version: STATUS_VERSION, ...pair.nodes[router].engine.status(), drain: null, config: { path: '/c.yaml', loadedAt: now, reloads: 0, reloadFailures: 0 }, metrics: null, pid: 1 };
}

describe('path checks on the failover path, with figures', () => {
  it.each([0, 250, 999])('the MASTER hands over within (fall + 1) × interval of its upstream dying (cut %i ms into an interval)', async (phase) => {
    pair = await steadyPair();
    const { w } = pair;
    await w.run(phase, 1);
    const cutAt = w.clock.now();
    await play(pair, { cut: 'a' });
    await w.run(10_000, 10);
    const [handover] = w.elections(cutAt);
    expect(handover!.master).toBe('b');
    // The MASTER needs fall + 1 failed probes; the first comes at most one interval after the cut.
    expect(handover!.at - cutAt).toBeLessThanOrEqual((FALL + 1) * INTERVAL);
    expect(handover!.at - cutAt).toBeGreaterThan(FALL * INTERVAL);
    expect(pair.nodes.a.demotion.ours.path).toBe(240);
  });

  it('both routers losing the upstream add the same share and the advertised order never moves', async () => {
    pair = await steadyPair({ health: { checks: [{ name: 'upstream', type: 'icmp', target: '198.51.100.1', interval_ms: INTERVAL, timeout_ms: 500, fall: FALL, rise: RISE, weight: 80 }] } });
    const { w } = pair;
    const since = w.clock.now();
    const order: number[] = [];
    await w.run(333, 1); // b's probes run on another phase than a's
    w.upstream.a = false;
    w.upstream.b = false;
    for (let i = 0; i < 200; i++) {
      await w.run(50, 50);
      order.push(w.kernel.advertised('b') - w.kernel.advertised('a'));
    }
    expect(pair.nodes.a.demotion.ours.path).toBe(80);
    expect(pair.nodes.b.demotion.ours.path).toBe(80);
    expect(Math.min(...order)).toBeGreaterThan(0); // a always advertised better than b
    w.upstream.a = true;
    w.upstream.b = true;
    for (let i = 0; i < 200; i++) {
      await w.run(50, 50);
      order.push(w.kernel.advertised('b') - w.kernel.advertised('a'));
    }
    expect(Math.min(...order)).toBeGreaterThan(0);
    expect(w.elections(since)).toEqual([]);
    expect(pair.nodes.a.demotion.ours.path).toBe(0);
  });

  it('hold: back exactly hold_s after the node is ready again; status, metrics and history say so', async () => {
    pair = await steadyPair({ failback: { mode: 'hold', hold_s: 120 } });
    const { w, nodes } = pair;
    await play(pair, { cut: 'a' });
    await w.run(10_000);
    const restoredAt = w.clock.now();
    await play(pair, { restore: 'a' });
    await w.run(5000);
    const fb = nodes.a.engine.status().election.failback;
    expect(fb).toMatchObject({ mode: 'hold', state: 'holding', reason: 'lost MASTER while demoted for path', demotion: 240 });
    const readyAt = Date.parse(fb.readySince!);
    // A BACKUP's check comes back after rise + 1 successes: ready within that many intervals.
    expect(readyAt - restoredAt).toBeLessThanOrEqual((RISE + 1) * INTERVAL);
    expect(Date.parse(fb.until!)).toBe(readyAt + 120_000);
    const metrics = renderMetrics(report(pair, 'a'));
    expect(metrics).toContain('carp_failover_failback_held{mode="hold",state="holding"} 1');
    expect(metrics).toContain(`carp_failover_failback_hold_end_timestamp_seconds ${(readyAt + 120_000) / 1000}`);
    expect(metrics).toContain('carp_failover_demotion{reason="failback"} 240');
    expect(metrics).toContain('carp_failover_path_check_up{check="upstream",type="icmp"} 1');
    await w.run(readyAt + 120_000 - w.clock.now() - 200);
    expect(w.kernel.master).toBe('b');
    await w.run(400);
    const back = w.elections(restoredAt).at(-1)!;
    expect(back.master).toBe('a');
    expect(back.at).toBe(readyAt + 120_000);
    const events = (await nodes.a.history()).flatMap((t) => t.steps.filter((s) => s.election).map((s) => `${s.resource} ${s.step.split(':')[0]}`));
    expect(events).toEqual(['path:upstream pending -> up', 'path:upstream up -> down', 'failback armed', 'path:upstream down -> up', 'failback ready', 'failback expired']);
  });

  it('a restart during a hold keeps it, with the same end', async () => {
    pair = await steadyPair({ failback: { mode: 'hold', hold_s: 120 } });
    const { w } = pair;
    await play(pair, { cut: 'a' });
    await w.run(10_000);
    await play(pair, { restore: 'a' });
    await w.run(10_000);
    const until = pair.nodes.a.engine.status().election.failback.until!;
    const old = pair.nodes.a;
    await old.stop();
    old.demotion.sameBoot = true; // the same boot: the kernel kept our shares
    const fresh = w.node('a', { restartOf: old });
    pair.nodes.a = fresh;
    await fresh.start();
    await w.run(5000);
    expect(fresh.engine.status().election.failback).toMatchObject({ state: 'holding', until });
    expect(fresh.demotion.ours.failback).toBe(240);
    expect(w.kernel.master).toBe('b');
    await w.run(Date.parse(until) - w.clock.now() + 500);
    expect(w.kernel.master).toBe('a');
  });

  it('manual: `release` answers whether a hold was released, and the node leads at once', async () => {
    pair = await steadyPair({ failback: { mode: 'manual' } });
    const { w, nodes } = pair;
    await play(pair, { cut: 'a' });
    await w.run(5000);
    await play(pair, { restore: 'a' });
    await w.run(3_600_000, 1000);
    expect(w.kernel.master).toBe('b');
    expect(nodes.a.engine.status().election.failback).toMatchObject({ mode: 'manual', state: 'holding', until: null });
    const at = w.clock.now();
    const releasing = nodes.a.engine.releaseFailback();
    await w.run(10);
    expect(await releasing).toEqual({ released: true });
    expect(w.kernel.master).toBe('a');
    expect(w.elections(at)[0]!.at - at).toBeLessThan(100);
    const again = nodes.a.engine.releaseFailback();
    await w.run(10);
    expect(await again).toEqual({ released: false });
  });
});
