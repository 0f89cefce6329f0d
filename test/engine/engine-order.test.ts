import { afterEach, describe, expect, it } from 'vitest';
import { makeHarness, type Harness } from './support/harness.js';

let h: Harness;
afterEach(async () => h?.dispose());

describe('Engine converge order', () => {
  it('on MASTER: GRE up, then OSPF cost lowered, then (after the provider settle) the OVH claim', async () => {
    h = makeHarness({ initialRole: 'MASTER' });
    await h.engine.start();
    // Local settle (300 ms) and provider settle (3 s) hold everything back at first.
    expect(h.world.applyLines()).toEqual([]);
    await h.clock.advance(300);
    expect(h.world.applyLines()).toEqual(['gre:gre0 up', 'ospf:gre0 cost-10']);
    await h.clock.advance(2700);
    expect(h.world.applyLines()).toEqual(['gre:gre0 up', 'ospf:gre0 cost-10', 'ovh:192.0.2.10/32 ours']);
    expect(h.world.applies().every((c) => c.master)).toBe(true);
    const status = h.engine.status();
    expect(status.role).toBe('MASTER');
    expect(status.resources.map((r) => [r.id, r.inSync, r.waiting])).toEqual([
      ['ovh:192.0.2.10/32', true, null],
      ['ospf:gre0', true, null],
      ['gre:gre0', true, null],
    ]);
  });

  it('on BACKUP: OSPF cost raised, then GRE down, and OVH never touched', async () => {
    h = makeHarness({ initialRole: 'MASTER' });
    h.gre.actual = 'up';
    h.ospf.actual = 'cost-10';
    h.ovh.actual = 'ours';
    await h.engine.start();
    await h.clock.advance(5000);
    expect(h.world.applyLines()).toEqual([]);
    h.carp.setAll('BACKUP');
    h.engine.requestReconcile('devd CARP 1@vmx0 BACKUP');
    await h.clock.advance(300);
    expect(h.world.applyLines()).toEqual(['ospf:gre0 cost-100', 'gre:gre0 down']);
    await h.clock.advance(60_000);
    expect(h.world.calls.filter((c) => c.kind === 'ovh' && !c.master)).toEqual([]);
    expect(h.ovh.actual).toBe('ours'); // a BACKUP never gives the IP back
    const ovh = h.engine.status().resources.find((r) => r.kind === 'ovh');
    expect(ovh).toMatchObject({ desired: null, waiting: 'not master' });
  });

  it('treats MIXED and INIT as not-MASTER and converges them as BACKUP', async () => {
    h = makeHarness({ initialRole: 'MASTER' });
    h.carp.set(2, 'BACKUP');
    h.gre.actual = 'up';
    await h.engine.start();
    await h.clock.advance(300);
    expect(h.engine.status().role).toBe('MIXED');
    expect(h.world.applyLines()).toEqual(['gre:gre0 down']);
    h.carp.set(2, 'INIT');
    await h.clock.advance(15_000);
    expect(h.engine.status().role).toBe('INIT');
    expect(h.world.applies((c) => c.kind === 'ovh')).toEqual([]);
  });

  it('journals the transition and every step with its reconcile id; logs carry the id', async () => {
    h = makeHarness({ initialRole: 'MASTER' });
    await h.engine.start();
    await h.clock.advance(3000);
    await h.journal.flush();
    const timelines = await h.journal.history(10);
    expect(timelines).toHaveLength(1);
    expect(timelines[0]).toMatchObject({ from: 'INIT', to: 'MASTER' });
    expect(timelines[0]!.steps.map((s) => [s.resource, s.step, s.outcome, s.offsetMs])).toEqual([
      ['gre:gre0', 'set gre:gre0 up', 'ok', 300],
      ['ospf:gre0', 'set ospf:gre0 cost-10', 'ok', 300],
      ['ovh:192.0.2.10/32', 'set ovh:192.0.2.10/32 ours', 'ok', 3000],
    ]);
    expect(timelines[0]!.convergedAfterMs).toBe(3000);
    const applied = h.logger.lines.filter((l) => l.msg === 'applied');
    expect(applied).toHaveLength(3);
    for (const line of applied) expect(line.reconcileId).toMatch(/^[0-9a-f]{8}$/);
    const ids = new Set(h.world.applies().map((c) => c.reconcileId));
    expect(ids.size).toBe(2); // the local run at +300 ms and the provider run at +3 s
  });
});
