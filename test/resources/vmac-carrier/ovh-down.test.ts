// shared-vmac with OVH answering 503 to everything: the carrier (local lane) follows every role
// change in the same run, with no OVH call of its own, while the failover IP resource (provider
// lane) only reports its verification failing. Both are driven as the engine drives its lanes.
import { afterEach, describe, expect, it } from 'vitest';
import type { SharedVmacConfig } from '../../../src/config/schema.js';
import type { TargetRole } from '../../../src/model.js';
import type { ResourceContextV2 } from '../../../src/resources/contract.js';
import { VmacCarrierResource } from '../../../src/resources/vmac-carrier/resource.js';
import { SHARED_VMAC } from '../../ovh-mock/fixtures.js';
import { makeRig, type Rig } from '../failover-ip/support.js';
import { FakeLink, IFCONFIG } from './fake-link.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe('shared-vmac with OVH down', () => {
  it('the carrier follows MASTER → BACKUP → MASTER in one run each; OVH only shows verification failing; 0 writes', async () => {
    rig = await makeRig('shared-vmac', { boundTo: 'ours', ovh: { verify_period_s: 10 } });
    const r = rig;
    await r.run(); // a first good read, then OVH goes down
    r.mock.faults.add({ kind: 'status', status: 503, times: Infinity });
    const link = new FakeLink();
    const host = link.host();
    const carrier = new VmacCarrierResource(r.config.ovh.ips[0] as SharedVmacConfig, { host, ifconfig: IFCONFIG });
    const runLocal = async (target: TargetRole) => {
      const mastership = { role: target, target, since: r.clock.now(), epoch: 1 };
      const ctx: ResourceContextV2 = { reconcileId: 'l', signal: new AbortController().signal, log: r.logger.log, clock: r.clock, mastership, stillMaster: async () => target === 'MASTER' };
      const plan = carrier.plan(carrier.desired({ ...mastership, draining: false, keepPath: false }), await carrier.observe(ctx), mastership);
      if (plan.kind !== 'steps') throw new Error(`carrier plan ${plan.kind}`);
      for (const step of plan.steps) await carrier.apply(step, ctx);
    };
    const requestsBefore = r.mock.requests.length;
    const ovhErrors: string[] = [];
    for (const target of ['MASTER', 'BACKUP', 'MASTER', 'BACKUP', 'MASTER'] as const) {
      r.master = target === 'MASTER';
      await runLocal(target);
      // Followed in this very run, whatever OVH does.
      expect(link.ether).toBe(target === 'MASTER' ? SHARED_VMAC : '58:9c:fc:00:02:01');
      const ovh = await r.run();
      if (ovh.error) ovhErrors.push(ovh.error.code);
      await r.clock.advance(15_000);
    }
    // The MASTER runs after the first re-read OVH (older than verify_period_s) and fail.
    expect(ovhErrors.length).toBeGreaterThanOrEqual(2);
    expect(ovhErrors.every((code) => code.startsWith('OVH_'))).toBe(true);
    expect(carrier.status()).toMatchObject({ carrying: true });
    expect(host.calls.every((argv) => argv[0] === IFCONFIG)).toBe(true);
    expect(r.writes()).toEqual([]);
    expect(r.mock.requests.length).toBeGreaterThan(requestsBefore); // OVH was asked, and failed
    const verify = r.status().verify;
    expect(verify.error).toMatch(/503|unavailable/i);
    expect(verify.ok).toBe(false); // unverified; not taken for "re-bound": no write above
  });
});
