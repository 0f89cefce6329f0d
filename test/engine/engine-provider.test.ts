import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { flush } from '../fakes/clock.js';
import { makeHarness, type Harness } from './support/harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.dispose();
  h = undefined;
});

describe('Engine and the provider-facing resource', () => {
  it('a flap shorter than the provider settle time causes no OVH-facing action', async () => {
    h = makeHarness({ initialRole: 'BACKUP' });
    await h.engine.start();
    await h.clock.advance(1000);
    h.carp.setAll('MASTER');
    h.engine.requestReconcile('devd MASTER');
    await h.clock.advance(2500); // < provider settle (3 s): local resources followed
    expect(h.world.applyLines()).toEqual(['gre:gre0 up', 'ospf:gre0 cost-10']);
    h.carp.setAll('BACKUP');
    h.engine.requestReconcile('devd BACKUP');
    await h.clock.advance(60_000);
    expect(h.world.calls.filter((c) => c.kind === 'ovh')).toEqual([]);
    expect(h.world.applyLines()).toEqual(['gre:gre0 up', 'ospf:gre0 cost-10', 'ospf:gre0 cost-100', 'gre:gre0 down']);
  });

  it('stops a provider write when CARP is no longer MASTER at the last moment, and converges as BACKUP', async () => {
    h = makeHarness({ initialRole: 'MASTER', config: { settle: { local_ms: 0, provider_ms: 0 } } });
    // The kernel demotes us between the provider lane's CARP read (its run's first, n = 2, after
    // the local run's) and the re-read just before the OVH write (n = 3).
    h.carp.onObserve = (n) => {
      if (n === 3) h!.carp.setAll('BACKUP');
    };
    await h.engine.start();
    await h.clock.advance(10);
    expect(h.world.applies((c) => c.kind === 'ovh')).toEqual([]);
    expect(h.ovh.actual).toBe('peer');
    expect(h.engine.status().role).toBe('BACKUP');
    expect(h.world.applyLines()).toEqual(['gre:gre0 up', 'ospf:gre0 cost-10', 'ospf:gre0 cost-100', 'gre:gre0 down']);
    const ovh = h.engine.status().resources.find((r) => r.kind === 'ovh')!;
    expect(ovh.attempts).toBe(0); // not a fault of the resource: no backoff
    await h.journal.flush();
    const steps = (await h.journal.history(5)).flatMap((t) => t.steps);
    expect(steps.find((s) => s.resource === 'ovh:192.0.2.10/32')).toMatchObject({ outcome: 'skipped', error: { code: 'NOT_MASTER' } });
  });

  it('waits for a requeue (task in flight) instead of retrying at once', async () => {
    h = makeHarness({ initialRole: 'MASTER', config: { settle: { local_ms: 0, provider_ms: 0 }, reconcile: { period_s: 3600 } } });
    h.ovh.requeueAfterMs = 5000;
    await h.engine.start();
    await flush(); // the provider lane the first local run kicked
    expect(h.engine.status().resources.find((r) => r.kind === 'ovh')!.waiting).toBe('requeued');
    const observes = () => h!.world.calls.filter((c) => c.kind === 'ovh' && c.op === 'observe').length;
    expect(observes()).toBe(1);
    await h.clock.advance(4999);
    expect(observes()).toBe(1);
    await h.clock.advance(1);
    expect(observes()).toBe(2);
    expect(h.engine.status().resources.find((r) => r.kind === 'ovh')).toMatchObject({ inSync: true, waiting: null });
  });

  it('while draining, a BACKUP reads the provider binding (for the drain check) but never writes', async () => {
    h = makeHarness({ initialRole: 'BACKUP', config: { settle: { local_ms: 0 } } });
    h.flags.drain = true;
    await h.engine.start();
    expect(h.world.calls.filter((c) => c.kind === 'ovh').map((c) => c.op)).toEqual(['observe']);
    const ovh = h.engine.status().resources.find((r) => r.kind === 'ovh')!;
    expect(ovh).toMatchObject({ actual: 'peer', desired: null, waiting: 'not master' });
    h.flags.drain = false;
    await h.clock.advance(15_000);
    expect(h.world.calls.filter((c) => c.kind === 'ovh')).toHaveLength(1);
  });

  it('property: nothing OVH-facing ever runs while not MASTER, over random role sequences', async () => {
    const role = fc.constantFrom('MASTER', 'BACKUP', 'INIT', 'MIXED');
    const change = fc.record({ role, afterMs: fc.integer({ min: 0, max: 8000 }), event: fc.boolean(), flipAt: fc.option(fc.integer({ min: 1, max: 6 }), { nil: null }) });
    await fc.assert(
      fc.asyncProperty(fc.array(change, { minLength: 1, maxLength: 12 }), fc.boolean(), async (changes, draining) => {
        const harness = makeHarness({ initialRole: 'BACKUP', config: { reconcile: { period_s: 5 } } });
        try {
          harness.flags.drain = draining;
          harness.ovh.requeueAfterMs = 700;
          await harness.engine.start();
          for (const c of changes) {
            // Sometimes the kernel changes again in the middle of a run (n-th CARP read).
            if (c.flipAt !== null) {
              const at = harness.carp.observeCalls + c.flipAt;
              harness.carp.onObserve = (n) => {
                if (n === at) harness.carp.setAll('BACKUP');
              };
            }
            if (c.role === 'MIXED') harness.carp.setAll('MASTER').set(2, 'BACKUP');
            else harness.carp.setAll(c.role);
            if (c.event) harness.engine.requestReconcile('devd');
            await harness.clock.advance(c.afterMs);
          }
          await harness.clock.advance(10_000);
          const ovhCalls = harness.world.calls.filter((x) => x.kind === 'ovh');
          expect(ovhCalls.filter((x) => x.op === 'apply' && !x.master)).toEqual([]);
          if (!draining) expect(ovhCalls.filter((x) => !x.master)).toEqual([]);
          // And the engine still follows the kernel at the end.
          const master = harness.carp.isMaster(harness.config.carp.vhids);
          expect(harness.engine.status().role === 'MASTER').toBe(master);
        } finally {
          await harness.dispose();
        }
      }),
      { numRuns: 150 },
    );
  }, 120_000);
});
