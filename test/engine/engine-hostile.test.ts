import { afterEach, describe, expect, it } from 'vitest';
import type { DesiredContext, GreStatus } from '../../src/resources/resource.js';
import { FakeResource, type World } from './support/fake-resource.js';
import { makeHarness, type Harness } from './support/harness.js';

let h: Harness;
afterEach(async () => h?.dispose());

/** A resource that breaks the contract in one chosen way. */
class Hostile extends FakeResource {
  breakIn: 'desired' | 'plan' | 'describe' | 'readiness' | 'status' | 'throwString' | null = null;
  override desired(context: DesiredContext) {
    if (this.breakIn === 'desired') throw new TypeError('desired exploded');
    return super.desired(context);
  }
  override plan(desired: string, actual: string) {
    if (this.breakIn === 'plan') throw new RangeError('plan exploded');
    return super.plan(desired, actual);
  }
  override describe(step: string) {
    if (this.breakIn === 'describe') throw new Error('describe exploded');
    return super.describe(step);
  }
  override readiness() {
    if (this.breakIn === 'readiness') throw new Error('readiness exploded');
    return super.readiness();
  }
  override status(): GreStatus {
    if (this.breakIn === 'status') throw new Error('status exploded');
    return super.status();
  }
  override async observe(ctx: Parameters<FakeResource['observe']>[0]) {
    if (this.breakIn === 'throwString') throw 'a bare string, not an Error';
    return super.observe(ctx);
  }
}

describe('Engine against resources that break the contract', () => {
  for (const breakIn of ['desired', 'plan', 'describe', 'throwString'] as const) {
    it(`a throwing ${breakIn}() fails that resource only; the others converge and status still answers`, async () => {
      let hostile!: Hostile;
      h = makeHarness({
        initialRole: 'MASTER',
        config: { settle: { local_ms: 0, provider_ms: 0 } },
        resources: (w) => {
          hostile = new Hostile(w, 'gre:gre9', 'gre', { master: 'up', backup: 'down', initial: 'down' });
          hostile.breakIn = breakIn;
          return [hostile, h0(w)];
        },
      });
      await h.engine.start();
      const status = h.engine.status();
      const bad = status.resources.find((r) => r.id === 'gre:gre9')!;
      expect(bad.attempts).toBe(1);
      expect(bad.lastError?.code).toBe('INTERNAL');
      expect(status.resources.find((r) => r.id === 'ospf:gre0')!.inSync).toBe(true);
      expect(status.lastReconcile?.ok).toBe(false);
    });
  }

  it('a throwing readiness() holds readiness (unknown is not ready) and status() errors stay in that resource', async () => {
    let hostile!: Hostile;
    h = makeHarness({
      initialRole: 'BACKUP',
      config: { settle: { local_ms: 0 } },
      resources: (w) => {
        hostile = new Hostile(w, 'ospf:gre0', 'ospf', { master: 'cost-10', backup: 'cost-100', initial: 'cost-100' });
        return [hostile];
      },
    });
    hostile.breakIn = 'readiness';
    await h.engine.start();
    expect(h.demotion.ours.readiness).toBe(240);
    expect(h.engine.status().readiness.holds).toContainEqual({ resource: 'ospf:gre0', reason: 'readiness check failed: readiness exploded' });
    hostile.breakIn = 'status';
    expect(h.engine.status().resources[0]).toMatchObject({ detail: null, detailError: 'status exploded' });
  });

  it('clamps silly requeue delays: 0 does not spin, 10 years does not overflow the timer', async () => {
    h = makeHarness({ initialRole: 'MASTER', config: { settle: { local_ms: 0, provider_ms: 0 }, reconcile: { period_s: 3600 } } });
    h.ovh.requeueAfterMs = 0;
    await h.engine.start();
    // The OVH resource's requeues wake the provider lane; a local run kicks it too.
    const counters = () => h.engine.status().counters;
    const runs = () => counters().reconciles! + (counters().providerRuns ?? 0);
    const providerBefore = counters().providerRuns ?? 0;
    h.ovh.actual = 'peer';
    h.engine.requestReconcile('x');
    await h.clock.advance(1000);
    expect(counters().providerRuns! - providerBefore).toBeLessThanOrEqual(12); // ≥ 100 ms apart, not a 1 ms spin
    h.ovh.requeueAfterMs = 10 * 365 * 24 * 3600 * 1000;
    h.ovh.actual = 'peer';
    await h.engine.reconcileNow();
    expect(Date.parse(h.engine.status().resources.find((r) => r.kind === 'ovh')!.lastObservedAt!)).toBe(h.clock.now());
    const atRequeue = runs();
    const atLocal = counters().reconciles!;
    const requeuedAt = h.clock.now();
    await h.clock.advance(3_500_000); // before both the 1 h requeue cap and the 1 h period
    expect(runs()).toBe(atRequeue);
    await h.clock.advance(requeuedAt + 3_600_000 - h.clock.now() + 1);
    // The periodic run (local, then the provider lane it kicks), then the requeue capped at 1 h.
    expect({ local: counters().reconciles! - atLocal, total: runs() - atRequeue }).toEqual({ local: 1, total: 3 });
  });
});

function h0(w: World) {
  return new FakeResource(w, 'ospf:gre0', 'ospf', { master: 'cost-10', backup: 'cost-100', initial: 'cost-100' });
}
