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
  it('is reported while MASTER, and no longer once the engine says the mastership has ended', async () => {
    rig = await makeRig('move', { ovh: { verify_period_s: 10, reclaim_min_interval_s: 60, reclaim_max_interval_s: 240 } });
    await rig.converge(20);
    expect(rig.binding()).toBe(rig.ours);
    // A peer that believes it is MASTER takes the IP; our next verification sees it moved away.
    rig.mock.state.setRoutedTo('192.0.2.10/32', rig.peer);
    for (let i = 0; i < 4 && rig.status().contested !== true; i++) {
      await rig.clock.advance(5000);
      await rig.run();
    }
    expect(rig.status().contested).toBe(true);
    // Still MASTER, between two runs: still contested.
    await rig.clock.advance(1000);
    expect(rig.status().contested).toBe(true);

    // The engine says BACKUP: the mastership is over at once, without the resource being run.
    rig.master = false;
    expect(rig.status()).toMatchObject({ contested: false, reclaimNotBefore: null });
    // A new mastership (a new epoch) starts clean too: contested belonged to the old one.
    rig.master = true;
    expect(rig.status()).toMatchObject({ contested: false, reclaimNotBefore: null });
  });
});
