// Issue 14 item 11: server tasks carry no IP (dedicated.server.Task has no ip field), so a vMAC
// task on the hypervisor may be about another IP entirely. A stuck removal of another IP's vMAC
// held back the claim of ours with no bound ("no write for 15 s and counting"). Now such a task
// holds a claim back for at most UNATTRIBUTED_TASK_WAIT_MS (60 s), is still followed, and the
// claim then goes ahead; a task on the IP itself (move) or one we started is waited for until it
// ends, as before.
import { afterEach, describe, expect, it } from 'vitest';
import { UNATTRIBUTED_TASK_WAIT_MS } from '../../../src/resources/failover-ip/task-wait.js';
import { HYPERVISOR } from '../../ovh-mock/fixtures.js';
import { makeRig, type Rig } from './support.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe('a vMAC task that names no IP', () => {
  it('a stuck removal of another IP on the same server holds our claim back 60 s at most', async () => {
    rig = await makeRig('vmac', { durations: { initMs: 1000, todoMs: 2000, doingMs: 5000 } });
    // Someone removes router B's own IP (192.0.2.22) from B's vMAC, and OVH never finishes it.
    const stuck = rig.mock.state.startTask({ scope: 'server', owner: HYPERVISOR, ip: '192.0.2.22/32', function: 'virtualMacDelete', apply: () => undefined });
    stuck.outcome = 'stuck';
    const start = rig.clock.now();
    const first = await rig.run();
    expect(first.steps).toEqual([]);
    expect(first.wait).toBe(`OVH task ${stuck.id} (virtualMacDelete) is init`);
    expect(rig.status().taskInFlight).toMatchObject({ taskId: stuck.id, ours: false, blocksUntil: new Date(start + UNATTRIBUTED_TASK_WAIT_MS).toISOString() });
    // The engine comes back every task poll: nothing is written while the bound runs.
    let firstWriteAt: number | null = null;
    for (let i = 0; i < 60 && firstWriteAt === null; i++) {
      await rig.clock.advance(rig.config.ovh.task_poll_ms);
      await rig.run();
      if (rig.writes().length > 0) firstWriteAt = rig.clock.now();
    }
    expect(firstWriteAt).not.toBeNull();
    const waitedMs = firstWriteAt! - start;
    expect(waitedMs).toBeGreaterThanOrEqual(UNATTRIBUTED_TASK_WAIT_MS);
    expect(waitedMs).toBeLessThanOrEqual(UNATTRIBUTED_TASK_WAIT_MS + rig.config.ovh.task_poll_ms);
    // The claim completes, and a task stuck for ever does not keep the IP "not in sync".
    const results = await rig.converge(40);
    expect(results.at(-1)!.steps).toEqual([]);
    expect(results.at(-1)!.wait).toBeUndefined();
    expect(rig.binding()).toBe(rig.ours);
    expect(rig.writes()).toEqual(['DELETE /dedicated/server/{serviceName}/virtualMac/{macAddress}/virtualAddress/{ipAddress}', 'POST /dedicated/server/{serviceName}/virtualMac/{macAddress}/virtualAddress']);
    expect(rig.mock.requests.filter((r) => r.status !== null && r.status >= 400)).toEqual([]);
    expect(rig.mock.state.tasks.get(stuck.id)!.status).toBe('doing'); // still stuck: we did not wait for it
  });

  it('the same task found again after our claim keeps its age (no second 60 s wait)', async () => {
    rig = await makeRig('vmac', { durations: { initMs: 0, todoMs: 1000, doingMs: 1000 }, ovh: { verify_period_s: 10, reclaim_min_interval_s: 1 } });
    const stuck = rig.mock.state.startTask({ scope: 'server', owner: HYPERVISOR, ip: '192.0.2.22/32', function: 'virtualMacDelete', apply: () => undefined });
    stuck.outcome = 'stuck';
    await rig.converge(40);
    expect(rig.binding()).toBe(rig.ours);
    // Someone moves it to the peer: the next claim does not wait for the stuck task again.
    rig.mock.state.setVmac('192.0.2.10/32', HYPERVISOR, rig.peer);
    const before = rig.writes().length;
    const movedAt = rig.clock.now();
    let again: number | null = null;
    for (let i = 0; i < 40 && again === null; i++) {
      await rig.clock.advance(1000);
      await rig.run();
      if (rig.writes().length > before) again = rig.clock.now();
    }
    expect(again! - movedAt).toBeLessThanOrEqual(10_000 + 5000); // one verify period and a poll
  });

  it('an IP task (move) is about our IP: waited for until it ends, however long', async () => {
    rig = await makeRig('move', { durations: { initMs: 1000, todoMs: 2000, doingMs: 5000 } });
    const task = rig.mock.state.startTask({ scope: 'ip', owner: '192.0.2.10/32', ip: '192.0.2.10/32', function: 'genericMoveFloatingIp', destination: rig.peer, apply: () => undefined });
    task.outcome = 'stuck';
    for (let t = 0; t < 2 * UNATTRIBUTED_TASK_WAIT_MS; t += 5000) {
      await rig.run();
      await rig.clock.advance(5000);
    }
    expect(rig.writes()).toEqual([]);
    expect(rig.status().taskInFlight).toMatchObject({ taskId: task.id, blocksUntil: null });
  });
});
