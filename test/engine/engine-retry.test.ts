import { afterEach, describe, expect, it } from 'vitest';
import { CarpFailoverError } from '../../src/errors.js';
import { makeHarness, type Harness } from './support/harness.js';

let h: Harness;
afterEach(async () => h?.dispose());

describe('Engine retries', () => {
  it('retries a failing resource with growing delays while the others converge', async () => {
    h = makeHarness({ initialRole: 'MASTER', config: { settle: { local_ms: 0, provider_ms: 0 }, reconcile: { period_s: 3600 } } });
    h.gre.failApplies = 6;
    await h.engine.start();
    await h.clock.advance(1);
    // GRE fails, yet OSPF still converges in the same run; the OVH claim waits for the local lane
    // to converge in this mastership (a write never precedes the local side of the path).
    expect(h.ospf.actual).toBe('cost-10');
    expect(h.ovh.actual).toBe('peer');
    expect(h.engine.status().resources.find((r) => r.kind === 'ovh')!.waiting).toBe('local lane');
    await h.clock.advance(200_000);
    expect(h.ovh.actual).toBe('ours');
    const greDone = h.world.applies((c) => c.id === 'gre:gre0').at(-1)!.t;
    expect(h.world.applies((c) => c.kind === 'ovh').map((c) => c.t)).toEqual([greDone]);
    const attempts = h.world.applies((c) => c.id === 'gre:gre0').map((c) => c.t);
    expect(attempts).toHaveLength(7); // 6 failures then success
    const gaps = attempts.slice(1).map((t, i) => t - attempts[i]!);
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]!).toBeGreaterThan(gaps[i - 1]!);
    expect(gaps[0]).toBe(1000); // initial_ms with the jitter pinned at its middle
    expect(h.gre.actual).toBe('up');
    const gre = h.engine.status().resources.find((r) => r.id === 'gre:gre0')!;
    expect(gre).toMatchObject({ attempts: 0, nextRetryAt: null, inSync: true, lastError: null });
    expect(gre.errorCounts).toEqual({ COMMAND_FAILED: 6 });
    expect(h.engine.status().counters.convergeErrors).toBe(6);
  });

  it('shows the failure in status: last error with context, attempts and next retry', async () => {
    h = makeHarness({ initialRole: 'BACKUP', config: { settle: { local_ms: 0 } } });
    h.gre.actual = 'up';
    h.gre.failApplies = 100;
    await h.engine.start();
    const gre = h.engine.status().resources.find((r) => r.id === 'gre:gre0')!;
    expect(gre.attempts).toBe(1);
    expect(gre.lastError).toMatchObject({ code: 'COMMAND_FAILED', details: { argv: ['fake'] }, transient: true });
    expect(Date.parse(gre.nextRetryAt!) - h.clock.now()).toBe(1000);
    expect(gre.waiting).toBe('backoff');
    expect(h.engine.status().lastReconcile?.ok).toBe(false);
    expect(h.logger.lines.some((l) => l.msg === 'converge failed; will retry' && l.resource === 'gre:gre0' && typeof l.reconcileId === 'string')).toBe(true);
  });

  it('resets backoff on a role change', async () => {
    h = makeHarness({ initialRole: 'BACKUP', config: { settle: { local_ms: 0, provider_ms: 0 } } });
    h.gre.actual = 'up';
    h.gre.failApplies = 5;
    await h.engine.start();
    await h.clock.advance(1000 + 2000 + 4000 + 10); // three retries: attempts = 4, next in 16 s
    expect(h.engine.status().resources.find((r) => r.id === 'gre:gre0')!.attempts).toBe(4);
    h.carp.setAll('MASTER');
    h.engine.requestReconcile('devd');
    await h.clock.advance(1);
    // New role: tried at once (no 16 s wait), and the GRE desired state is now "up" anyway.
    expect(h.engine.status().resources.find((r) => r.id === 'gre:gre0')!.attempts).toBe(0);
  });

  it('a failed observation is retried too and journaled as an observe error', async () => {
    h = makeHarness({ initialRole: 'BACKUP', config: { settle: { local_ms: 0 } } });
    h.ospf.failObserves = 1;
    h.ospf.failWith = () => new CarpFailoverError('OSPF_UNAVAILABLE', 'vtysh: ospfd is not running', { transient: true });
    await h.engine.start();
    expect(h.engine.status().resources.find((r) => r.id === 'ospf:gre0')!.lastError?.code).toBe('OSPF_UNAVAILABLE');
    await h.clock.advance(1000);
    expect(h.engine.status().resources.find((r) => r.id === 'ospf:gre0')).toMatchObject({ inSync: true, attempts: 0, lastError: null });
    const timeline = (await h.journal.history(1))[0]!;
    expect(timeline.steps).toEqual([expect.objectContaining({ resource: 'ospf:gre0', step: 'observe', outcome: 'error', error: { code: 'OSPF_UNAVAILABLE', message: 'vtysh: ospfd is not running' } })]);
  });
});
