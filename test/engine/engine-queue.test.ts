import { afterEach, describe, expect, it } from 'vitest';
import { makeHarness, type Harness } from './support/harness.js';

let h: Harness;
afterEach(async () => h?.dispose());

describe('Engine single writer', () => {
  it('turns a burst of 1,000 events into at most 2 converge rounds', async () => {
    h = makeHarness({ initialRole: 'BACKUP', config: { settle: { local_ms: 0, provider_ms: 0 } } });
    await h.engine.start();
    const before = h.engine.status().counters.reconciles!;
    h.carp.setAll('MASTER');
    for (let i = 0; i < 1000; i++) h.engine.requestReconcile(`devd ${i}`);
    await h.clock.advance(10);
    const rounds = h.engine.status().counters.reconciles! - before;
    expect(rounds).toBeGreaterThanOrEqual(1);
    expect(rounds).toBeLessThanOrEqual(2);
    expect(h.world.applyLines()).toEqual(['gre:gre0 up', 'ospf:gre0 cost-10', 'ovh:192.0.2.10/32 ours']);
  });

  it('never runs two reconciles at once; requests during a run collapse into exactly one more', async () => {
    h = makeHarness({ initialRole: 'MASTER', config: { settle: { local_ms: 0, provider_ms: 0 } } });
    await h.engine.start();
    h.gre.applyDelayMs = 1000;
    const before = h.engine.status().counters.reconciles!;
    expect(h.gre.inFlight).toBe(0);
    h.gre.actual = 'down'; // something undoes it: the next run will apply again (slowly)
    h.engine.requestReconcile('a');
    await h.clock.advance(100);
    expect(h.gre.inFlight).toBe(1);
    for (let i = 0; i < 50; i++) h.engine.requestReconcile(`during ${i}`);
    await h.clock.advance(5000);
    expect(h.engine.status().counters.reconciles! - before).toBe(2);
    expect(h.gre.maxInFlight).toBe(1);
  });

  it('reconcileNow resolves after a run that started after the call', async () => {
    h = makeHarness({ initialRole: 'MASTER', config: { settle: { local_ms: 0, provider_ms: 0 } } });
    await h.engine.start();
    h.gre.applyDelayMs = 1000;
    h.gre.actual = 'down';
    h.engine.requestReconcile('x');
    await h.clock.advance(10); // a run is now in flight, blocked in GRE's apply
    const inFlightId = h.world.applies().at(-1)!.reconcileId;
    let result: { reconcileId: string; ok: boolean } | null = null;
    void h.engine.reconcileNow().then((r) => (result = r));
    await h.clock.advance(500); // the in-flight run is still in GRE's apply
    expect(result).toBeNull();
    await h.clock.advance(1000); // it ends at +1 s; ours starts then and finds GRE in sync
    expect(result).not.toBeNull();
    expect(result!.reconcileId).not.toBe(inFlightId);
    expect(result!.ok).toBe(true);
  });

  it('heals a lost event with the periodic reconcile', async () => {
    h = makeHarness({ initialRole: 'BACKUP' });
    await h.engine.start();
    await h.clock.advance(1000);
    expect(h.world.applyLines()).toEqual([]);
    h.carp.setAll('MASTER'); // devd's line never arrives
    await h.clock.advance(14_000);
    expect(h.world.applyLines()).toEqual([]);
    await h.clock.advance(1000); // period_s = 15
    expect(h.engine.status().role).toBe('MASTER');
    await h.clock.advance(3000);
    expect(h.world.applyLines()).toEqual(['gre:gre0 up', 'ospf:gre0 cost-10', 'ovh:192.0.2.10/32 ours']);
  });

  it('re-observes on every period and changes only what differs (level-triggered)', async () => {
    h = makeHarness({ initialRole: 'BACKUP', config: { settle: { local_ms: 0 } } });
    await h.engine.start();
    await h.clock.advance(60_000);
    const observes = h.world.calls.filter((c) => c.op === 'observe' && c.id === 'gre:gre0').length;
    expect(observes).toBeGreaterThanOrEqual(5); // start + 4 periods
    expect(h.world.applyLines()).toEqual([]);
    h.gre.actual = 'up'; // someone ran ifconfig gre0 up by hand
    await h.clock.advance(15_000);
    expect(h.world.applyLines()).toEqual(['gre:gre0 down']);
  });
});
