// `contested` in the OVH resource's status belongs to a mastership: a router that stepped down
// after a split brain must stop reporting it (status, the `contested` metric), not keep it until
// it is MASTER again. Found by the lab's partition scenario (test/lab/e2e-partition.test.ts).
import { afterEach, describe, expect, it } from 'vitest';
import { makeRig, type Rig } from './support.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe('failover IP status: contested', () => {
  it('is reported while MASTER, and no longer once the mastership has ended (no MASTER run within the gap)', async () => {
    rig = await makeRig('move', { ovh: { verify_period_s: 10, reclaim_min_interval_s: 60, reclaim_max_interval_s: 240 } });
    await rig.converge(20);
    expect(rig.binding()).toBe(rig.ours);
    // A peer that believes it is MASTER takes the IP; our next verification sees it moved away.
    rig.mock.state.setRoutedTo('192.0.2.10/32', rig.peer);
    for (let i = 0; i < 4 && rig.resource.extraStatus().contested !== true; i++) {
      await rig.clock.advance(5000);
      await rig.run();
    }
    expect(rig.resource.extraStatus().contested).toBe(true);
    // Still MASTER, between two runs: still contested.
    await rig.clock.advance(1000);
    expect(rig.resource.extraStatus().contested).toBe(true);

    // The engine stops asking a BACKUP for OVH at all: past the gap, the mastership is over.
    const gapMs = 2 * rig.config.reconcile.period_s * 1000 + rig.config.settle.provider_ms;
    await rig.clock.advance(gapMs + 1);
    expect(rig.resource.extraStatus()).toMatchObject({ contested: false, reclaimNotBefore: null });
  });
});
