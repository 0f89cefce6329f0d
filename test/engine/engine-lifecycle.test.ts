import { afterEach, describe, expect, it } from 'vitest';
import { CarpFailoverError } from '../../src/errors.js';
import { fakeGre, fakeOspf, fakeOvh } from './support/fake-resource.js';
import { makeHarness, testConfig, type Harness } from './support/harness.js';

let h: Harness;
afterEach(async () => h?.dispose());

describe('Engine freeze, reload, stop, failures of its own', () => {
  it('freeze: observes and reports, zero apply calls; thaw converges', async () => {
    h = makeHarness({ initialRole: 'MASTER', config: { settle: { local_ms: 0, provider_ms: 0 } } });
    h.flags.freeze = true;
    await h.engine.start();
    await h.clock.advance(60_000);
    expect(h.world.applies()).toEqual([]);
    expect(h.world.calls.filter((c) => c.op === 'observe').length).toBeGreaterThanOrEqual(15); // 3 resources × 5 runs
    const status = h.engine.status();
    expect(status.resources.map((r) => [r.id, r.desired, r.actual, r.inSync, r.waiting])).toEqual([
      ['ovh:192.0.2.10/32', 'ours', 'peer', false, 'frozen'],
      ['ospf:gre0', 'cost-10', 'cost-100', false, 'frozen'],
      ['gre:gre0', 'up', 'down', false, 'frozen'],
    ]);
    expect(status.flags.freeze).toBe(true);
    h.flags.freeze = false;
    await h.engine.reconcileNow();
    expect(h.world.applyLines()).toEqual(['gre:gre0 up', 'ospf:gre0 cost-10', 'ovh:192.0.2.10/32 ours']);
  });

  it('replaceConfig keeps the state of unchanged resources on the new instances and closes removed ones', async () => {
    h = makeHarness({ initialRole: 'BACKUP', config: { settle: { local_ms: 0 } } });
    h.gre.actual = 'up';
    h.gre.failApplies = 100;
    await h.engine.start();
    await h.clock.advance(1000);
    const before = h.engine.status().resources.find((r) => r.id === 'gre:gre0')!;
    expect(before.attempts).toBe(2);
    // The reload: same GRE (new instance), OSPF gone, a second tunnel added.
    const gre = fakeGre(h.world);
    gre.actual = 'up';
    gre.failApplies = 100;
    const gre1 = fakeGre(h.world, 'gre1', 'down');
    const config = testConfig({ settle: { local_ms: 0 }, reconcile: { period_s: 30 } }, h.dir);
    h.engine.replaceConfig(config, [h.ovh, gre, gre1]);
    await h.clock.advance(1);
    expect(h.ospf.closed).toBe(1);
    expect(h.gre.closed).toBe(0); // the old GRE instance is replaced, not dropped
    const after = h.engine.status().resources;
    expect(after.map((r) => r.id)).toEqual(['ovh:192.0.2.10/32', 'gre:gre0', 'gre:gre1']);
    const carried = after.find((r) => r.id === 'gre:gre0')!;
    expect(carried.attempts).toBe(2); // still in backoff: the reload did not reset it
    expect(carried.errorCounts).toEqual({ COMMAND_FAILED: 2 });
    await h.clock.advance(4000);
    expect(h.world.applies((c) => c.id === 'gre:gre0').length).toBe(3);
    expect(gre.failApplies).toBe(99); // the new instance does the work now
    expect(h.ticker.periods).toEqual([15, 30]);
    expect(h.ticker.active).toBe(1);
  });

  it('a run that exceeds reconcile.timeout_ms is aborted; the hung resource backs off and the next run continues', async () => {
    h = makeHarness({ initialRole: 'MASTER', config: { settle: { local_ms: 0, provider_ms: 0 }, reconcile: { timeout_ms: 2000, period_s: 3600 } } });
    h.gre.hangApply = true;
    const start = h.engine.start();
    await h.clock.advance(2000);
    await start;
    const status = h.engine.status();
    const gre = status.resources.find((r) => r.id === 'gre:gre0')!;
    expect(gre.lastError?.code).toBe('RECONCILE_TIMEOUT');
    expect(status.resources.find((r) => r.id === 'ospf:gre0')!.waiting).toBe('aborted');
    expect(status.lastReconcile).toMatchObject({ ok: false, durationMs: 2000 });
    h.gre.hangApply = false;
    await h.clock.advance(1000); // backoff of the first failure
    expect(h.gre.actual).toBe('up');
    expect(h.ospf.actual).toBe('cost-10');
  });

  it('an unreadable CARP reports INIT and converges nothing, then retries', async () => {
    h = makeHarness({ initialRole: 'MASTER', config: { settle: { local_ms: 0, provider_ms: 0 } } });
    h.gre.actual = 'up';
    h.ospf.actual = 'cost-10';
    h.ovh.actual = 'ours';
    await h.engine.start();
    h.carp.failNext(new CarpFailoverError('COMMAND_FAILED', 'ifconfig: timeout'), 3);
    h.engine.requestReconcile('devd');
    await h.clock.advance(1);
    const status = h.engine.status();
    expect(status.role).toBe('INIT');
    expect(status.vhids.map((v) => v.state)).toEqual(['UNKNOWN', 'UNKNOWN']);
    expect(status.counters.carpErrors).toBe(1);
    expect(h.world.applies()).toEqual([]); // tunnels of a working MASTER stay up
    await h.clock.advance(1000 + 2000 + 4000);
    expect(h.engine.status().role).toBe('MASTER');
    expect(h.world.applies()).toEqual([]);
  });

  it('counts transitions and convergence time after each', async () => {
    h = makeHarness({ initialRole: 'BACKUP', config: { settle: { local_ms: 300, provider_ms: 3000 } } });
    await h.engine.start();
    await h.clock.advance(300);
    let status = h.engine.status();
    expect(status.counters.transitions).toBe(1); // INIT → BACKUP at boot
    expect(status.convergence).toEqual({ count: 1, sumMs: 300, lastMs: 300 });
    h.carp.setAll('MASTER');
    h.engine.requestReconcile('devd');
    await h.clock.advance(3000);
    status = h.engine.status();
    expect(status.counters.transitions).toBe(2);
    expect(status.convergence).toEqual({ count: 2, sumMs: 3300, lastMs: 3000 });
    expect(status.roleSince).toBe(new Date(h.clock.now() - 3000).toISOString());
  });

  it('status carries the engine report: node, vhids, counters, heartbeat', async () => {
    h = makeHarness({ initialRole: 'BACKUP' });
    h.engine.increment('eventsReceived', 3);
    await h.engine.start();
    await h.clock.advance(5000);
    const status = h.engine.status();
    expect(status.node).toBe('router-002');
    expect(status.vhids).toEqual([
      { vhid: 1, interface: 'vmx0', state: 'BACKUP', advbase: 1, advskew: 100 },
      { vhid: 2, interface: 'vmx1', state: 'BACKUP', advbase: 1, advskew: 100 },
    ]);
    expect(status.counters).toMatchObject({ eventsReceived: 3, eventsDropped: 0, reconciles: 2, reconcileErrors: 0, configReloads: 0, journalErrors: 0 });
    expect(status.heartbeatAt).toBe(new Date(h.clock.now()).toISOString());
    expect(status.demotion).toEqual({ total: 0, ours: { boot: 0, maintenance: 0, readiness: 0, path: 0, failback: 0 }, preempt: true, allow: true });
    expect(status.resources.find((r) => r.kind === 'gre')!.detail).toEqual({ kind: 'gre', interface: 'gre:gre0', mode: 'follow-carp', up: null });
    expect(JSON.parse(JSON.stringify(status))).toEqual(status);
  });

  it('stop() lets the step in progress finish, stops the ticker, closes resources, refuses new runs', async () => {
    h = makeHarness({ initialRole: 'MASTER', config: { settle: { local_ms: 0, provider_ms: 0 } } });
    await h.engine.start();
    h.gre.actual = 'down';
    h.gre.applyDelayMs = 500;
    h.engine.requestReconcile('x');
    await h.clock.advance(10);
    expect(h.gre.inFlight).toBe(1);
    let stopped = false;
    const stopping = h.engine.stop().then(() => (stopped = true));
    await h.clock.advance(100);
    expect(stopped).toBe(false);
    await h.clock.advance(400);
    await stopping;
    expect(h.gre.actual).toBe('up'); // the step completed
    expect(h.ticker.active).toBe(0);
    expect([h.gre.closed, h.ospf.closed, h.ovh.closed]).toEqual([1, 1, 1]);
    await expect(h.engine.reconcileNow()).rejects.toMatchObject({ code: 'NOT_RUNNING' });
    const calls = h.world.calls.length;
    h.engine.requestReconcile('after stop');
    await h.clock.advance(60_000);
    expect(h.world.calls.length).toBe(calls);
    expect(h.clock.pending()).toBe(0);
  });

  it('stop() aborts a run that does not finish within the grace time', async () => {
    h = makeHarness({ initialRole: 'MASTER', config: { settle: { local_ms: 0, provider_ms: 0 } } });
    await h.engine.start();
    h.gre.actual = 'down';
    h.gre.hangApply = true;
    h.engine.requestReconcile('x');
    await h.clock.advance(10);
    const stopping = h.engine.stop(1000);
    await h.clock.advance(1000);
    await stopping;
    expect(h.logger.lines.some((l) => l.msg === 'the run in flight did not finish in time; aborting it')).toBe(true);
  });

  it('uses every kind of resource the registry gives it, in config order within a kind', async () => {
    h = makeHarness({
      initialRole: 'MASTER',
      config: { settle: { local_ms: 0, provider_ms: 0 } },
      resources: (w) => [fakeOvh(w, '192.0.2.11/32'), fakeGre(w, 'gre2'), fakeOspf(w, 'gre2'), fakeGre(w, 'gre1'), fakeOvh(w, '192.0.2.10/32'), fakeOspf(w, 'gre1')],
    });
    await h.engine.start();
    await h.clock.advance(1); // the provider lane the first local run kicked
    expect(h.world.applyLines()).toEqual([
      'gre:gre2 up',
      'gre:gre1 up',
      'ospf:gre2 cost-10',
      'ospf:gre1 cost-10',
      'ovh:192.0.2.11/32 ours',
      'ovh:192.0.2.10/32 ours',
    ]);
  });
});

describe('Engine start and stop edges', () => {
  it('a stop() while start() is still raising the boot demotion ends start quietly', async () => {
    h = makeHarness({ initialRole: 'BACKUP' });
    const starting = h.engine.start();
    const stopping = h.engine.stop(0);
    await expect(starting).resolves.toBeUndefined();
    await stopping;
    expect(h.ticker.active).toBe(0);
    expect(h.world.calls).toEqual([]);
  });

  it('start() twice is a programming error', async () => {
    h = makeHarness({ initialRole: 'BACKUP' });
    await h.engine.start();
    await expect(h.engine.start()).rejects.toMatchObject({ code: 'INTERNAL' });
  });

  it('history() answers the journal timelines', async () => {
    h = makeHarness({ initialRole: 'BACKUP', config: { settle: { local_ms: 0 } } });
    h.gre.actual = 'up';
    await h.engine.start();
    const [timeline] = await h.engine.history(5);
    expect(timeline).toMatchObject({ from: 'INIT', to: 'BACKUP', steps: [{ resource: 'gre:gre0', step: 'set gre:gre0 down', outcome: 'ok', offsetMs: 0 }], convergedAfterMs: 0 });
  });

  it('a flags() that throws keeps the last known flags and logs it', async () => {
    h = makeHarness({ initialRole: 'MASTER', config: { settle: { local_ms: 0, provider_ms: 0 } } });
    h.flags.freeze = true;
    await h.engine.start();
    (h.flags as { freeze: boolean }).freeze = true;
    Object.defineProperty(h.flags, 'drain', { get: () => { throw new Error('state dir unreadable'); } });
    await h.engine.reconcileNow();
    expect(h.engine.status().flags).toEqual({ drain: false, freeze: true });
    expect(h.world.applies()).toEqual([]);
    expect(h.logger.lines.some((l) => l.msg === 'cannot read the operator flags; keeping the last known ones')).toBe(true);
  });
});
