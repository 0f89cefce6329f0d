// A kind absent from the role's order (OVH while not MASTER) is never observed or applied, but is
// still told the role on each run: the OVH resource detects a new mastership from the gap in its
// desired('MASTER') calls, and a MASTER → BACKUP → MASTER shorter than that gap (the lab's drain
// right after a boot flap) left it trusting a cached "ours" the peer had taken meanwhile.
import { afterEach, describe, expect, it } from 'vitest';
import type { TargetRole } from '../../src/model.js';
import { makeHarness, type Harness } from './support/harness.js';

let h: Harness;
afterEach(async () => h?.dispose());

describe('Engine and kinds absent from the role order', () => {
  it('asks the OVH resource desired(BACKUP) while BACKUP, and still never observes or applies it', async () => {
    h = makeHarness({ initialRole: 'MASTER' });
    const roles: TargetRole[] = [];
    const original = h.ovh.desired.bind(h.ovh);
    h.ovh.desired = (role: TargetRole) => {
      roles.push(role);
      return original(role);
    };
    await h.engine.start();
    await h.clock.advance(5000);
    expect(roles).toContain('MASTER');
    roles.length = 0;
    const before = h.world.calls.filter((c) => c.kind === 'ovh').length;
    h.carp.setAll('BACKUP');
    h.engine.requestReconcile('devd CARP 1@vmx0 BACKUP');
    await h.clock.advance(1000);
    expect(roles.length).toBeGreaterThan(0);
    expect(roles.every((role) => role === 'BACKUP')).toBe(true);
    expect(h.world.calls.filter((c) => c.kind === 'ovh').length).toBe(before);
    expect(h.engine.status().resources.find((r) => r.kind === 'ovh')).toMatchObject({ desired: null, waiting: 'not master' });
  });
});
