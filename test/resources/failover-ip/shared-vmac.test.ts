// shared-vmac, the OVH side: the IP stays bound to the one shared vMAC whoever is MASTER, so OVH
// is only read (on the MASTER, every verify_period_s). A re-binding behind our back is flagged
// within one verify period (verify.ok false, contested, an error log, the metric) and repaired
// once by a stable MASTER, never by a BACKUP; OVH answering 5xx only shows as verify.error.
import { afterEach, describe, expect, it } from 'vitest';
import { renderMetrics } from '../../../src/status/metrics.js';
import { desiredContext, mastership, resourceContext } from '../../fakes/mastership.js';
import { drainedReport, resourceStatus } from '../../fakes/status-report.js';
import { IP, HYPERVISOR, SHARED_VMAC, VMAC_B } from '../../ovh-mock/fixtures.js';
import { makeRig, type Rig } from './support.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const VERIFY_S = 60;
const DELETE = 'DELETE /dedicated/server/{serviceName}/virtualMac/{macAddress}/virtualAddress/{ipAddress}';
const ADD = 'POST /dedicated/server/{serviceName}/virtualMac/{macAddress}/virtualAddress';

const verifyOf = (r: Rig) => r.status().verify;

/** Runs once a second (the engine's period is longer: this is the tightest it could notice). */
async function runFor(r: Rig, ms: number, each?: (elapsed: number) => boolean | void): Promise<number | null> {
  for (let elapsed = 0; elapsed <= ms; elapsed += 1000) {
    await r.run();
    if (each?.(elapsed) === true) return elapsed;
    await r.clock.advance(1000);
  }
  return null;
}

const backupCtx = (r: Rig) => resourceContext({ mastership: mastership('BACKUP'), clock: r.clock, log: r.logger.log });

describe('failover IP, strategy shared-vmac', () => {
  it('steady MASTER: read only, one call per verify period, no write at all', async () => {
    rig = await makeRig('shared-vmac', { boundTo: 'ours', ovh: { verify_period_s: VERIFY_S } });
    await runFor(rig, 10 * VERIFY_S * 1000);
    expect(rig.writes()).toEqual([]);
    const reads = rig.mock.requests.filter((q) => q.method === 'GET' && q.route === '/dedicated/server/{serviceName}/virtualMac/{macAddress}/virtualAddress');
    // One read at the start of the mastership, then one per verify period: 11 over 10 periods.
    expect(reads).toHaveLength(11);
    expect(reads.every((q) => q.url.includes(encodeURIComponent(SHARED_VMAC)) || q.url.includes(SHARED_VMAC))).toBe(true);
    expect(verifyOf(rig)).toMatchObject({ ok: true, error: null });
    expect(rig.status()).toMatchObject({ strategy: 'shared-vmac', binding: { target: SHARED_VMAC, ours: true }, contested: false });
  });

  it('re-bound elsewhere behind our back: flagged within one verify period, repaired once, then left alone', async () => {
    // A second IPFO on the shared vMAC keeps it alive when the first is taken off it.
    rig = await makeRig('shared-vmac', { boundTo: 'ours', sharedAlso: ['192.0.2.11'], ovh: { verify_period_s: VERIFY_S, reclaim_min_interval_s: 60 } });
    await runFor(rig, 5000);
    expect(verifyOf(rig).ok).toBe(true);
    // Someone re-binds the IP to another vMAC (by hand, a script, the other router's old config).
    rig.mock.state.setVmac(IP, HYPERVISOR, VMAC_B);
    const repairs: number[] = [];
    let flaggedAfter: number | null = null;
    await runFor(rig, 5 * VERIFY_S * 1000, (elapsed) => {
      const status = rig!.status();
      if (flaggedAfter === null && status.verify.ok === false) flaggedAfter = elapsed;
      if (rig!.writes().length > repairs.length * 2) repairs.push(elapsed);
    });
    expect(flaggedAfter).not.toBeNull();
    expect(flaggedAfter!).toBeLessThanOrEqual(VERIFY_S * 1000);
    expect(rig.logger.lines.some((l) => l.level === 50 && String(l.msg).startsWith('shared vMAC binding lost'))).toBe(true);
    // One repair: off the foreign vMAC, back onto the shared one (OVH holds an IP on one vMAC at a time).
    expect(rig.writes()).toEqual([DELETE, ADD]);
    const add = rig.mock.writes().find((q) => `${q.method} ${q.route}` === ADD)!;
    expect(add.url).toContain(SHARED_VMAC);
    expect(add.requestBody).toEqual({ ipAddress: '192.0.2.10', virtualMachineName: 'routers' });
    expect(rig.binding()).toBe(SHARED_VMAC);
    expect(verifyOf(rig).ok).toBe(true);
  });

  it('contested while flagged: status, log and metric say so; a second re-binding waits the re-claim interval', async () => {
    rig = await makeRig('shared-vmac', { boundTo: 'ours', sharedAlso: ['192.0.2.11'], ovh: { verify_period_s: 10, reclaim_min_interval_s: 120, reclaim_max_interval_s: 600 } });
    await runFor(rig, 2000);
    rig.mock.state.setVmac(IP, HYPERVISOR, VMAC_B);
    const contestedAt = await runFor(rig, 30_000, () => rig!.status().contested === true);
    expect(contestedAt).not.toBeNull();
    const metrics = renderMetrics(drainedReport({ role: 'MASTER', resources: [resourceStatus({ id: rig.resource.id, kind: 'ovh', detail: rig.status() })] }));
    expect(metrics).toMatch(/carp_failover_contested\{resource="ovh:192\.0\.2\.10\/32"\} 1/);
    expect(metrics).toMatch(/carp_failover_ovh_verify_ok\{resource="ovh:192\.0\.2\.10\/32"\} 0/);
    await runFor(rig, 60_000, () => rig!.binding() === SHARED_VMAC);
    expect(rig.binding()).toBe(SHARED_VMAC);
    const firstRepairAt = rig.mock.writes().find((q) => `${q.method} ${q.route}` === DELETE)!.at;
    // Re-bound again right after the repair: the next repair respects reclaim_min_interval_s.
    rig.mock.state.setVmac(IP, HYPERVISOR, VMAC_B);
    await runFor(rig, 300_000, () => rig!.mock.writes().filter((q) => `${q.method} ${q.route}` === DELETE).length === 2);
    const deletes = rig.mock.writes().filter((q) => `${q.method} ${q.route}` === DELETE);
    expect(deletes).toHaveLength(2);
    expect(deletes[1]!.at - firstRepairAt).toBeGreaterThanOrEqual(120_000);
  });

  it('never repaired by a BACKUP: no desired state, and its reads (drain checks) write nothing', async () => {
    rig = await makeRig('shared-vmac', { boundTo: 'peer', ovh: { verify_period_s: 10 } });
    rig.master = false;
    expect(rig.resource.desired(desiredContext('BACKUP'))).toBeUndefined();
    for (let i = 0; i < 30; i++) {
      await rig.run();
      await rig.resource.observe(backupCtx(rig));
      await rig.clock.advance(5000);
    }
    expect(rig.writes()).toEqual([]);
    expect(rig.binding()).toBe(VMAC_B);
    // A BACKUP does not poll OVH for a claim that never comes: at most one read per verify period.
    const reads = rig.mock.requests.filter((q) => q.method === 'GET');
    expect(reads.length).toBeLessThanOrEqual(2 * (150 / 10 + 1));
  });

  it('the shared vMAC deleted with its last IP: blocked with the way out, no write', async () => {
    rig = await makeRig('shared-vmac', { boundTo: 'ours' });
    // The IPFO was the shared vMAC's only IP: moving it away deletes the vMAC at OVH.
    rig.mock.state.setVmac(IP, HYPERVISOR, VMAC_B);
    const r = await rig.run();
    expect(r.error).toMatchObject({ code: 'CONFIG_INVALID' });
    expect(r.error!.message).toMatch(/shared vMAC 02:00:00:ff:3e:98 no longer exists/);
    expect(r.error!.message).toMatch(/ovh vmac create --shared/);
    expect(rig.writes()).toEqual([]);
    expect(verifyOf(rig).ok).toBe(false);
  });

  it('OVH answering 5xx to everything: verification failing in status, nothing else', async () => {
    rig = await makeRig('shared-vmac', { boundTo: 'ours', ovh: { verify_period_s: 10 } });
    await runFor(rig, 2000);
    expect(verifyOf(rig)).toMatchObject({ ok: true, error: null });
    rig.mock.faults.add({ kind: 'status', status: 503, times: Infinity });
    const failedAt = await runFor(rig, 60_000, () => verifyOf(rig!).error !== null);
    expect(failedAt).not.toBeNull();
    expect(failedAt!).toBeLessThanOrEqual(10_000 + 1000);
    expect(verifyOf(rig).error).toMatch(/503|unavailable/i);
    // Unverified (ok false with the error) but not "bound elsewhere": no repair, not contested.
    expect(verifyOf(rig).ok).toBe(false);
    expect(rig.status().contested).toBe(false);
    expect(rig.writes()).toEqual([]);
    rig.mock.faults.clear();
    await runFor(rig, 60_000, () => verifyOf(rig!).error === null);
    expect(verifyOf(rig)).toMatchObject({ ok: true, error: null });
  });
});

