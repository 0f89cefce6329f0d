import { afterEach, describe, expect, it } from 'vitest';
import { makeHarness, type Harness } from './support/harness.js';

let h: Harness;
afterEach(async () => h?.dispose());

describe('Engine demotion: boot hold-down, drain, readiness', () => {
  it('applies the boot contribution before the first CARP observation', async () => {
    h = makeHarness({ initialRole: 'BACKUP' });
    let demotionAtFirstObserve: number | null = null;
    h.carp.onObserve = (n) => {
      if (n === 1) demotionAtFirstObserve = h.demotion.total;
    };
    await h.engine.start();
    expect(h.demotion.calls[0]).toEqual({ reason: 'boot', value: 240 });
    expect(demotionAtFirstObserve).toBe(240);
  });

  it('skips the boot hold-down when the service restarts on a MASTER in the same boot', async () => {
    h = makeHarness({ initialRole: 'MASTER' });
    h.demotion.sameBoot = true;
    await h.engine.start();
    expect(h.demotion.history('boot')).toEqual([0]);
    expect(h.demotion.total).toBe(0);
    expect(h.engine.status().readiness.holds.map((x) => x.resource)).not.toContain('boot');
  });

  it('still holds the boot demotion after a reboot, even when the node is already MASTER', async () => {
    h = makeHarness({ initialRole: 'MASTER' });
    h.demotion.sameBoot = false;
    await h.engine.start();
    expect(h.demotion.calls[0]).toEqual({ reason: 'boot', value: 240 });
  });

  it('still holds the boot demotion on a restart in the same boot when the node is BACKUP', async () => {
    h = makeHarness({ initialRole: 'BACKUP' });
    h.demotion.sameBoot = true;
    await h.engine.start();
    expect(h.demotion.calls[0]).toEqual({ reason: 'boot', value: 240 });
  });

  it('releases the boot hold-down only after a clean run with readiness met', async () => {
    h = makeHarness({ initialRole: 'BACKUP' });
    h.ospf.holds = [{ resource: 'ospf:gre0', reason: 'no Full neighbour on gre0 (0 of 1)' }];
    await h.engine.start();
    // First run: local settle still pending, so not clean; boot held.
    expect(h.demotion.ours.boot).toBe(240);
    await h.clock.advance(300);
    // Clean now, but readiness holds: boot stays, readiness added.
    expect(h.demotion.ours).toEqual({ boot: 240, maintenance: 0, readiness: 240, path: 0, failback: 0 });
    const status = h.engine.status();
    expect(status.readiness.ready).toBe(false);
    expect(status.readiness.holds.map((x) => x.resource)).toEqual(['boot', 'ospf:gre0']);
    expect(status.demotion.ours).toEqual({ boot: 240, maintenance: 0, readiness: 240, path: 0, failback: 0 });
    h.ospf.holds = [];
    await h.clock.advance(15_000);
    expect(h.demotion.ours).toEqual({ boot: 0, maintenance: 0, readiness: 0, path: 0, failback: 0 });
    expect(h.engine.status().readiness).toEqual({ ready: true, holds: [] });
    expect(h.demotion.history('boot')).toEqual([240, 0]);
  });

  it('asks readiness with undefined when every observation failed, so ospfd down at boot holds', async () => {
    h = makeHarness({ initialRole: 'BACKUP', config: { settle: { local_ms: 0 } } });
    const seen: unknown[] = [];
    h.ospf.readiness = (actual?: string) => {
      seen.push(actual);
      return actual === undefined ? [{ resource: 'ospf:gre0', reason: 'ospfd not answering' }] : [];
    };
    h.ospf.failObserves = 2;
    await h.engine.start();
    expect(seen).toEqual([undefined]);
    expect(h.demotion.ours.readiness).toBe(240);
    await h.clock.advance(1000 + 2000);
    expect(seen.at(-1)).toBe('cost-100');
    expect(h.demotion.ours.readiness).toBe(0);
    expect(h.demotion.ours.boot).toBe(0);
  });

  it('keeps the boot hold-down while a resource keeps failing, then releases it at boot_holddown_max_s, loudly', async () => {
    h = makeHarness({ initialRole: 'BACKUP', config: { carp: { vhids: [{ vhid: 1, interface: 'vmx0' }], boot_holddown_max_s: 60 } } });
    h.gre.actual = 'up';
    h.gre.failApplies = 1_000;
    await h.engine.start();
    await h.clock.advance(59_000);
    expect(h.demotion.ours.boot).toBe(240);
    await h.clock.advance(1_000);
    expect(h.demotion.ours.boot).toBe(0);
    expect(h.logger.lines.some((l) => l.level === 50 && String(l.msg).startsWith('BOOT HOLD-DOWN RELEASED BY TIMEOUT'))).toBe(true);
  });

  it('retries a demotion write that failed', async () => {
    h = makeHarness({ initialRole: 'BACKUP', config: { settle: { local_ms: 0 } } });
    h.demotion.failNext(2); // boot raise fails, then the first release attempt fails
    await h.engine.start();
    expect(h.engine.status().counters.demotionErrors).toBe(2);
    await h.clock.advance(15_000);
    expect(h.demotion.ours.boot).toBe(0);
  });

  it('drain adds the maintenance contribution and undrain removes it', async () => {
    h = makeHarness({ initialRole: 'MASTER', config: { settle: { local_ms: 0, provider_ms: 0 } } });
    await h.engine.start();
    expect(h.demotion.ours.maintenance).toBe(0);
    h.flags.drain = true;
    await h.engine.reconcileNow();
    expect(h.demotion.ours.maintenance).toBe(240);
    expect(h.engine.status().flags).toEqual({ drain: true, freeze: false });
    // The peer takes over: we converge as BACKUP.
    h.carp.setAll('BACKUP');
    await h.engine.reconcileNow();
    expect(h.gre.actual).toBe('down');
    h.flags.drain = false;
    await h.engine.reconcileNow();
    expect(h.demotion.ours.maintenance).toBe(0);
    // The first 0 is the first run stating "not draining", which clears a stale contribution.
    expect(h.demotion.history('maintenance')).toEqual([0, 240, 0]);
  });

  it('a persisted drain is applied at start, before the first observation', async () => {
    h = makeHarness({ initialRole: 'MASTER' });
    h.flags.drain = true;
    let atFirstObserve: number | null = null;
    h.carp.onObserve = (n) => {
      if (n === 1) atFirstObserve = h.demotion.ours.maintenance;
    };
    await h.engine.start();
    expect(atFirstObserve).toBe(240);
    expect(h.demotion.calls.slice(0, 2)).toEqual([
      { reason: 'boot', value: 240 },
      { reason: 'maintenance', value: 240 },
    ]);
  });

  it('stop() leaves the demotion alone (the daemon decides)', async () => {
    h = makeHarness({ initialRole: 'BACKUP' });
    h.flags.drain = true;
    await h.engine.start();
    const calls = h.demotion.calls.length;
    await h.engine.stop();
    expect(h.demotion.calls.length).toBe(calls);
    expect(h.demotion.ours.maintenance).toBe(240);
  });
});
