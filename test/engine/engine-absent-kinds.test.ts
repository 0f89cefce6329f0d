// Tell, don't infer: the engine hands every resource its mastership (role, since, an epoch that
// grows at each entry into MASTER). The OVH resource used to work out a new mastership from the
// timing of its desired() calls; now a BACKUP's engine never touches it at all, and a MASTER →
// BACKUP → MASTER of any length is a new epoch the resource is told about.
import { afterEach, describe, expect, it } from 'vitest';
import { makeHarness, type Harness } from './support/harness.js';

let h: Harness;
afterEach(async () => h?.dispose());

describe('Engine: mastership is told, never inferred', () => {
  it('never asks, observes or applies the OVH resource while BACKUP', async () => {
    h = makeHarness({ initialRole: 'MASTER', config: { settle: { local_ms: 0, provider_ms: 0 } } });
    await h.engine.start();
    await h.clock.advance(5000);
    const before = { calls: h.world.calls.filter((c) => c.kind === 'ovh').length, contexts: h.ovh.contexts.length };
    h.carp.setAll('BACKUP');
    h.engine.requestReconcile('devd CARP 1@vmx0 BACKUP');
    await h.clock.advance(1000);
    expect(h.world.calls.filter((c) => c.kind === 'ovh').length).toBe(before.calls);
    expect(h.ovh.contexts.length).toBe(before.contexts);
    expect(h.engine.status().resources.find((r) => r.kind === 'ovh')).toMatchObject({ desired: null, waiting: 'not master' });
  });

  it('a new epoch at each entry into MASTER, however short the BACKUP in between; since = when the role began', async () => {
    h = makeHarness({ initialRole: 'MASTER', config: { settle: { local_ms: 0, provider_ms: 0 } } });
    await h.engine.start();
    const firstAt = h.clock.now();
    expect(h.ovh.contexts.at(-1)).toMatchObject({ role: 'MASTER', target: 'MASTER', epoch: 1, since: firstAt, draining: false, keepPath: false });
    h.carp.setAll('BACKUP');
    await h.engine.reconcileNow();
    expect(h.gre.contexts.at(-1)).toMatchObject({ role: 'BACKUP', target: 'BACKUP', epoch: 1 });
    await h.clock.advance(10); // far shorter than any period: inference by timing could not see it
    h.carp.setAll('MASTER');
    const againAt = h.clock.now();
    await h.engine.reconcileNow();
    expect(h.ovh.contexts.at(-1)).toMatchObject({ role: 'MASTER', epoch: 2, since: againAt });
    const ovhObserves = h.world.calls.filter((c) => c.kind === 'ovh' && c.op === 'observe');
    expect(ovhObserves.at(-1)!.epoch).toBe(2);
    // A MIXED node is not MASTER: it converges as BACKUP and the epoch does not move.
    h.carp.set(2, 'BACKUP');
    await h.engine.reconcileNow();
    expect(h.gre.contexts.at(-1)).toMatchObject({ role: 'MIXED', target: 'BACKUP', epoch: 2 });
  });
});
