import { afterEach, describe, expect, it } from 'vitest';
import { ovhPath } from '../../../src/ovh/client.js';
import type { FaultRule } from '../../ovh-mock/faults.js';
import { desiredContext, resourceContext, stepsOf } from '../../fakes/mastership.js';
import { makeRig, type Rig, type Strategy } from './support.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const claimWrites: Record<Strategy, string[]> = {
  vmac: ['DELETE /dedicated/server/{serviceName}/virtualMac/{macAddress}/virtualAddress/{ipAddress}', 'POST /dedicated/server/{serviceName}/virtualMac/{macAddress}/virtualAddress'],
  move: ['POST /ip/{ip}/move'],
  // Only as a repair: the IP re-bound elsewhere behind our back (shared-vmac.test.ts).
  'shared-vmac': ['DELETE /dedicated/server/{serviceName}/virtualMac/{macAddress}/virtualAddress/{ipAddress}', 'POST /dedicated/server/{serviceName}/virtualMac/{macAddress}/virtualAddress'],
};

describe.each(['vmac', 'move'] as const)('failover IP, strategy %s', (strategy) => {
  it('claims from scratch: reads first, one write at a time, each task observed by a later run', async () => {
    rig = await makeRig(strategy, { durations: { initMs: 1000, todoMs: 2000, doingMs: 5000 } });
    const results = await rig.converge(40);
    expect(results.at(-1)).toMatchObject({ steps: [] });
    expect(results.every((r) => !r.error)).toBe(true);
    expect(rig.binding()).toBe(rig.ours);
    expect(rig.writes()).toEqual(claimWrites[strategy]);
    // apply never blocked: every write run, and every wait for a task, asked to be requeued at the poll period
    expect(results.filter((r) => r.steps.length > 0 || r.wait !== undefined).every((r) => r.requeueAfterMs === rig!.config.ovh.task_poll_ms)).toBe(true);
    // Waiting for a task is not a step: only the writes themselves are.
    expect(results.flatMap((r) => r.steps).map((s) => s.kind)).toEqual(strategy === 'vmac' ? ['vmac-remove', 'vmac-add'] : ['move']);
    expect(results.some((r) => r.wait?.startsWith('OVH task '))).toBe(true);
    expect(rig.status()).toMatchObject({ kind: 'ovh', binding: { target: rig.ours, ours: true }, taskInFlight: null, contested: false });
    expect(rig.status().lastClaimAt).not.toBeNull();
  });

  it('claims with the client\'s reserve when routine reads have spent the rest of the minute', async () => {
    rig = await makeRig(strategy);
    const routineRead = () => rig!.client.get(ovhPath`/ip/${rig!.config.ovh.ips[0]!.ip}`);
    for (let i = 0; i < 30; i++) await routineRead(); // 30 of 40: all that routine calls may use
    await expect(routineRead()).rejects.toMatchObject({ code: 'OVH_RATE_LIMITED', details: { local: true, urgent: false } });
    const first = await rig.run();
    expect(first.error).toBeUndefined();
    expect(rig.writes()).toEqual([claimWrites[strategy][0]]);
  });

  it('a new mastership re-reads with the reserve too, even when its last read said ours', async () => {
    rig = await makeRig(strategy, { boundTo: 'ours' });
    expect((await rig.run()).steps).toEqual([]);
    rig.master = false; // BACKUP for a while: the cached binding (ours) goes stale
    await rig.run();
    await rig.clock.advance(120_000);
    const routineRead = () => rig!.client.get(ovhPath`/ip/${rig!.config.ovh.ips[0]!.ip}`);
    for (let i = 0; i < 30; i++) await routineRead();
    await expect(routineRead()).rejects.toMatchObject({ code: 'OVH_RATE_LIMITED', details: { urgent: false } });
    rig.master = true;
    const calls = rig.mock.requests.length;
    const again = await rig.run();
    expect(again.error).toBeUndefined();
    expect(rig.mock.requests.length).toBeGreaterThan(calls); // it did re-read, not trust the cache
    expect(again.steps).toEqual([]);
  });

  it('already ours: no write, and the cache answers between verifications', async () => {
    rig = await makeRig(strategy, { boundTo: 'ours' });
    expect((await rig.run()).steps).toEqual([]);
    const calls = rig.mock.requests.length;
    for (let i = 0; i < 3; i++) {
      await rig.clock.advance(15_000);
      expect((await rig.run()).steps).toEqual([]);
    }
    expect(rig.mock.requests.length).toBe(calls); // 45 s < verify period (60 s)
    await rig.clock.advance(15_000);
    await rig.run();
    expect(rig.mock.requests.length).toBe(calls + 1); // one call per verification
    expect(rig.writes()).toEqual([]);
  });

  it('waits for a pending task instead of stacking a second write', async () => {
    rig = await makeRig(strategy, { boundTo: null, durations: { initMs: 5000, todoMs: 10_000, doingMs: 20_000 } });
    // Someone else's operation is under way on this IP.
    if (strategy === 'move') rig.mock.state.startTask({ scope: 'ip', owner: '192.0.2.10/32', ip: '192.0.2.10/32', function: 'genericMoveFloatingIp', destination: rig.peer, apply: () => rig!.mock.state.setRoutedTo('192.0.2.10/32', rig!.peer) });
    else rig.mock.state.startTask({ scope: 'server', owner: rig.config.ovh.ips[0]!.service, ip: '192.0.2.10/32', function: 'virtualMacAdd', apply: () => rig!.mock.state.setVmac('192.0.2.10/32', rig!.config.ovh.ips[0]!.service, rig!.peer) });
    const first = await rig.run();
    expect(first.steps).toEqual([]);
    expect(first.wait).toMatch(/^OVH task \d+ \(\w+\) is init$/);
    expect(rig.status().taskInFlight).toMatchObject({ ours: false, status: 'init' });
    for (let t = 0; t < 30_000; t += 5000) {
      await rig.clock.advance(5000);
      const r = await rig.run();
      expect(r.error).toBeUndefined();
    }
    expect(rig.writes()).toEqual([]); // nothing while the task ran
    const results = await rig.converge(40);
    expect(results.at(-1)!.steps).toEqual([]);
    expect(rig.binding()).toBe(rig.ours);
    expect(rig.writes()).toEqual(claimWrites[strategy]);
    expect(rig.mock.requests.filter((r) => r.status === 409)).toEqual([]);
  });

  it('never writes when CARP is no longer MASTER at the last moment, and nothing at all as BACKUP', async () => {
    rig = await makeRig(strategy);
    const r = rig.resource;
    const desired = r.desired(desiredContext('MASTER'))!;
    const ctx = resourceContext({ log: rig.logger.log, clock: rig.clock, stillMaster: async () => false });
    const steps = stepsOf(r.plan(desired, await r.observe(ctx)));
    await expect(r.apply(steps[0]!, ctx)).rejects.toMatchObject({ code: 'NOT_MASTER' });
    rig.master = false;
    for (let i = 0; i < 5; i++) {
      await rig.run();
      await rig.clock.advance(60_000);
    }
    expect(r.desired(desiredContext('BACKUP'))).toBeUndefined();
    expect(r.desired(desiredContext('BACKUP', { draining: true, keepPath: true }))).toBeUndefined();
    expect(rig.writes()).toEqual([]);
  });

  it.each([
    ['500 on the write', { kind: 'status', status: 500, method: 'POST' }, 'OVH_HTTP', true],
    ['503 on the read', { kind: 'status', status: 503, method: 'GET' }, 'OVH_HTTP', true],
    ['429', { kind: 'status', status: 429 }, 'OVH_RATE_LIMITED', true],
    ['slow answer', { kind: 'slow', delayMs: 1500 }, 'OVH_TIMEOUT', true],
    ['connection reset', { kind: 'reset' }, 'OVH_NETWORK', true],
    ['truncated body', { kind: 'truncate', method: 'GET' }, null, true],
    ['garbage body', { kind: 'garbage', method: 'GET' }, 'OVH_BAD_RESPONSE', true],
  ] as const)('fault: %s → typed transient error, no crash, converges once cleared', async (_name, fault, code, transient) => {
    rig = await makeRig(strategy);
    await rig.client.get('/auth/time'); // warm the clock delta so the fault hits the resource's call
    // The first write of a vMAC claim is the DELETE from the peer's vMAC.
    const wanted = (fault as FaultRule).method;
    const method = wanted === 'POST' && strategy === 'vmac' ? 'DELETE' : wanted;
    rig.mock.faults.add({ ...fault, method, times: Infinity });
    const failing = await rig.run();
    expect(failing.error).toBeDefined();
    if (code) expect(failing.error!.code).toBe(code);
    expect(failing.error!.transient).toBe(transient);
    const writesDuringFault = rig.writes().length;
    rig.mock.faults.clear();
    await rig.clock.advance(61_000); // past any pause (429) and backoff
    const results = await rig.converge(40);
    expect(results.at(-1)!.steps).toEqual([]);
    expect(rig.binding()).toBe(rig.ours);
    expect(rig.writes().length - writesDuringFault).toBeLessThanOrEqual(claimWrites[strategy].length);
  });

  it('a task ending in customerError fails fast (OVH_TASK_FAILED), holds the re-claim, then converges', async () => {
    rig = await makeRig(strategy, { durations: { initMs: 0, todoMs: 1000, doingMs: 1000 } });
    rig.mock.faults.taskOutcome('customerError');
    let failed;
    for (let i = 0; i < 10 && !failed; i++) {
      const r = await rig.run();
      if (r.error) failed = r;
      else await rig.clock.advance(r.requeueAfterMs ?? 1000);
    }
    expect(failed).toBeDefined();
    expect(failed!.error).toMatchObject({ code: 'OVH_TASK_FAILED', transient: false });
    expect(failed!.error!.message).toMatch(/customerError/);
    rig.mock.faults.clear();
    const writes = rig.writes().length;
    const next = await rig.run();
    expect(next.steps).toEqual([]); // no hammering: a wait, not a step
    expect(next.wait).toMatch(/^re-claim held until /);
    expect(rig.writes().length).toBe(writes);
    await rig.clock.advance(next.requeueAfterMs!);
    expect((await rig.converge(20)).at(-1)!.steps).toEqual([]);
    expect(rig.binding()).toBe(rig.ours);
  });

  it('a task stuck in doing is OVH_TASK_STUCK after task_timeout_s, with no second write; converges when it ends', async () => {
    rig = await makeRig(strategy, { ovh: { task_timeout_s: 30 } });
    rig.mock.faults.taskOutcome('stuck');
    await rig.run();
    const writes = rig.writes().length;
    let stuck;
    for (let i = 0; i < 10 && !stuck; i++) {
      await rig.clock.advance(5000);
      const r = await rig.run();
      if (r.error?.code === 'OVH_TASK_STUCK') stuck = r;
    }
    expect(stuck).toBeDefined();
    expect(rig.writes().length).toBe(writes);
    expect(rig.status().taskInFlight).toMatchObject({ ours: true, status: 'doing' });
    // OVH finally finishes the task.
    rig.mock.faults.clear();
    for (const task of rig.mock.state.tasks.values()) task.outcome = 'done';
    const results = await rig.converge(20);
    expect(results.at(-1)!.steps).toEqual([]);
    expect(rig.binding()).toBe(rig.ours);
  });

  it('expired credentials: a clear OVH_AUTH status, a slow retry, no hammering', async () => {
    rig = await makeRig(strategy);
    rig.mock.state.legacy.get('CANARY-CK-a-51d2b8')!.status = 'expired';
    const first = await rig.run();
    expect(first.error).toMatchObject({ code: 'OVH_AUTH', transient: false });
    expect(first.error!.message).toMatch(/INVALID_CREDENTIAL: This credential is not valid \(QueryId EU\.mock-1\./);
    const count = rig.mock.requests.length;
    for (let i = 0; i < 50; i++) {
      await rig.clock.advance(1000); // an engine retrying every second
      expect((await rig.run()).error?.code).toBe('OVH_AUTH');
    }
    expect(rig.mock.requests.length - count).toBeLessThanOrEqual(1);
    expect(rig.status().pausedUntil).not.toBeNull();
    rig.mock.state.legacy.get('CANARY-CK-a-51d2b8')!.status = 'validated';
    await rig.clock.advance(120_000);
    expect((await rig.converge(20)).at(-1)!.steps).toEqual([]);
    expect(rig.binding()).toBe(rig.ours);
  });

  it('contested: re-claims after a move-away no more often than the min interval, doubling, and says so', async () => {
    rig = await makeRig(strategy, { ovh: { verify_period_s: 10, reclaim_min_interval_s: 60, reclaim_max_interval_s: 240 } });
    await rig.converge(20);
    const claims: number[] = [];
    const start = rig.clock.now();
    const takeAway = () => (strategy === 'vmac' ? rig!.mock.state.setVmac('192.0.2.10/32', rig!.config.ovh.ips[0]!.service, rig!.peer) : rig!.mock.state.setRoutedTo('192.0.2.10/32', rig!.peer));
    let lastWrites = rig.writes().length;
    for (let t = 0; t < 20 * 60_000; t += 5000) {
      if (rig.binding() === rig.ours) takeAway(); // a peer that believes it is MASTER
      await rig.run();
      // A claim starts with its first write: the DELETE (vmac) or the POST (move).
      const first = strategy === 'vmac' ? 'DELETE' : 'POST';
      if (rig.writes().slice(lastWrites).some((w) => w.startsWith(first))) claims.push(rig.clock.now() - start);
      lastWrites = rig.writes().length;
      await rig.clock.advance(5000);
    }
    const gaps = claims.slice(1).map((c, i) => c - claims[i]!);
    expect(gaps.length).toBeGreaterThan(3);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(60_000);
    for (const gap of gaps) expect(gap).toBeLessThanOrEqual(240_000 + 10_000);
    expect(Math.max(...gaps)).toBeGreaterThanOrEqual(240_000);
    expect(rig.status().contested).toBe(true);
    expect(rig.logger.lines.some((l) => String(l.msg).startsWith('SPLIT BRAIN?') && l.level === 50)).toBe(true);
  });
});

describe('failover IP, vmac specifics', () => {
  it('refuses to take the IP off the peer when our vMAC does not exist', async () => {
    rig = await makeRig('vmac');
    rig.mock.state.servers.get(rig.config.ovh.ips[0]!.service)!.vmacs.delete(rig.ours);
    const r = await rig.run();
    expect(r.error).toMatchObject({ code: 'CONFIG_INVALID' });
    expect(r.error!.message).toMatch(/does not exist/);
    expect(rig.writes()).toEqual([]);
  });
});
