// End to end, strategy shared-vmac (issue 13's acceptance): the IPFO stays bound to one vMAC at
// OVH and the MASTER carries it on its external interface, so a failover needs no API call. On
// one lab, in order: with the mock's tasks at 0 s and at 20 s, the unplanned failover's outage
// over CARP's detection ≤ 50 ms (median of 3, counted from the old MASTER's last advertisement)
// with 0 OVH writes, and a drain and an undrain that lose no ping (longest gap ≤ 30 ms); then the
// same with OVH answering 5xx to everything (status shows the verification failing); then a
// partition of the CARP segment (both MASTER, both carrying the vMAC): contested on both, healed
// with nothing left over.
import { describe, expect, it } from 'vitest';
import { nsExec } from '../support/netns.js';
import { frrUnavailable, netnsUnavailable, skipReason } from '../support/env.js';
import { externalMac } from './edge.js';
import { scenarioForFileWithPing } from './file-scenario.js';
import { waitFollows } from './follow-checks.js';
import { carpEngineUnavailable } from './keepalived.js';
import { measureDrain, measureFailover, median, type FailoverSample, type MeasureOptions } from './measure.js';
import { NS_SEG, ROUTER_IDS, ROUTERS, SHARED_VMAC, type RouterId } from './plan.js';
import { ovhDetail, writesBy, type Scenario } from './scenario-helpers.js';
import { servicesSettledAsync } from './services.js';
import { readStatus } from './readouts.js';
import type { StatusReport } from '../../src/status/model.js';
import { readCarpState } from './standins/common.mjs';
import { waitFor } from './wait.js';
import { expectOpenGoalAtMost, openGoalSkipped } from './goals.js';

const skip = skipReason('lab e2e: shared-vmac', netnsUnavailable(), frrUnavailable(), carpEngineUnavailable()) !== null;

/** The acceptance bounds (issue 13). */
const OVER_DETECTION_MAX_MS = 50;
const GAP_MAX_MS = 30;

/** Whether the report's OVH resource says the IPFO is contested. */
function contested(report: StatusReport | null): boolean {
  return ovhDetail(report)?.contested === true;
}

describe.skipIf(skip)('lab e2e: shared-vmac, no OVH call on the failover path', () => {
  const { scenario, ping } = scenarioForFileWithPing({ strategy: 'shared-vmac' });

  async function failovers(s: Scenario, options: MeasureOptions = {}): Promise<FailoverSample[]> {
    const samples: FailoverSample[] = [];
    for (let i = 0; i < 3; i++) samples.push(await measureFailover(s, ping(), 'ra', options));
    console.log(`failovers: ${samples.map((x) => `${x.overDetection.toFixed(0)} ms over detection (detection ${x.detection} ms, ${x.ovhWrites} writes)`).join('; ')}`);
    return samples;
  }

  for (const taskMs of [0, 20_000]) {
    it(`OVH tasks of ${taskMs / 1000} s: unplanned failover ≤ ${OVER_DETECTION_MAX_MS} ms over CARP's detection (median of 3), 0 OVH writes`, async () => {
      const s = scenario();
      s.ovh.mock.state.durations.doingMs = taskMs;
      const samples = await failovers(s);
      expect(samples.map((x) => x.ovhWrites)).toEqual([0, 0, 0]);
      expectOpenGoalAtMost(`shared-vmac failover at task ${taskMs / 1000} s, median ms over detection`, median(samples.map((x) => x.overDetection))!, OVER_DETECTION_MAX_MS);
    }, 180_000);

    it(`OVH tasks of ${taskMs / 1000} s: drain and undrain lose no ping, longest gap ≤ ${GAP_MAX_MS} ms`, async () => {
      const s = scenario();
      s.ovh.mock.state.durations.doingMs = taskMs;
      const since = Date.now();
      const { drain, undrain } = await measureDrain(s, ping(), 'ra');
      console.log(`drain: gap ${drain.longestGap} ms, lost ${drain.lost}, done in ${drain.settledAfter} ms; undrain: gap ${undrain.longestGap} ms, lost ${undrain.lost}, done in ${undrain.settledAfter} ms`);
      expect(ROUTER_IDS.flatMap((id) => writesBy(s.ovh, id, since))).toEqual([]);
      expectOpenGoalAtMost(`shared-vmac drain at task ${taskMs / 1000} s, pings lost`, drain.lost, 0);
      expectOpenGoalAtMost(`shared-vmac undrain at task ${taskMs / 1000} s, pings lost`, undrain.lost, 0);
      expectOpenGoalAtMost(`shared-vmac drain at task ${taskMs / 1000} s, longest gap ms`, drain.longestGap, GAP_MAX_MS);
      expectOpenGoalAtMost(`shared-vmac undrain at task ${taskMs / 1000} s, longest gap ms`, undrain.longestGap, GAP_MAX_MS);
    }, 180_000);
  }

  it('OVH answering 5xx to everything: failovers and a drain are as fast, and status shows the verification failing', async () => {
    const s = scenario();
    s.ovh.mock.state.durations.doingMs = 0;
    s.ovh.mock.faults.add({ kind: 'status', status: 503, times: Infinity });
    try {
      // OVH cannot confirm anything: the failover IP's resource stays out of sync, `drain --wait`
      // cannot confirm the binding; the data path must follow all the same.
      const unreachable: MeasureOptions = { follow: { unsyncedOk: ['ovh:'] }, noWait: true };
      const samples = await failovers(s, unreachable);
      expect(samples.map((x) => x.ovhWrites)).toEqual([0, 0, 0]);
      expectOpenGoalAtMost('shared-vmac failover with OVH 5xx, median ms over detection', median(samples.map((x) => x.overDetection))!, OVER_DETECTION_MAX_MS);
      const { drain, undrain } = await measureDrain(s, ping(), 'ra', unreachable);
      console.log(`5xx: drain gap ${drain.longestGap} ms, lost ${drain.lost}; undrain gap ${undrain.longestGap} ms, lost ${undrain.lost}`);
      expectOpenGoalAtMost('shared-vmac drain with OVH 5xx, longest gap ms', drain.longestGap, GAP_MAX_MS);
      expectOpenGoalAtMost('shared-vmac undrain with OVH 5xx, longest gap ms', undrain.longestGap, GAP_MAX_MS);
      // The MASTER verifies the binding every verify_period_s (10 s in the lab) and says it failed.
      const verify = await waitFor('ra\'s status showing the failed verification', 30_000, async () => {
        const v = ovhDetail(await readStatus(s.services.ra))?.verify;
        return v?.ok === false ? v : null;
      }, 500);
      console.log(`5xx: ra's verification: ${JSON.stringify(verify)}`);
    } finally {
      s.ovh.mock.faults.clear();
    }
  }, 240_000);

  it.skipIf(openGoalSkipped('shared-vmac partition flagged contested'))('partition of the CARP segment: both MASTER carry the vMAC and say contested; healed, one MASTER, nothing left over', async () => {
    const s = scenario();
    const rb = ROUTERS.rb;
    s.ovh.mock.faults.clear();
    await waitFollows(s, 'ra', 60_000);
    const since = Date.now();
    let partitioned = false;
    try {
      nsExec(NS_SEG, ['ip', 'link', 'set', rb.segPort, 'nomaster']);
      partitioned = true;
      await waitFor('both CARP MASTER, both carrying the shared vMAC', 20_000, () =>
        ROUTER_IDS.every((id) => readCarpState(s.run.routers[id].files.carpStateFile) === 'MASTER' && externalMac(ROUTERS[id]) === SHARED_VMAC), 100);
      await waitFor('both services flagging contested', 30_000, async () => (await Promise.all(ROUTER_IDS.map((id: RouterId) => readStatus(s.services[id])))).every(contested), 250);
      nsExec(NS_SEG, ['ip', 'link', 'set', rb.segPort, 'master', 'br0']);
      partitioned = false;
      const healedAt = Date.now();
      await waitFollows(s, 'ra', 40_000);
      await waitFor('contested cleared on both', 40_000, async () => (await Promise.all(ROUTER_IDS.map((id) => readStatus(s.services[id])))).every((r) => !contested(r)), 250);
      await waitFor('both services settled', 30_000, () => servicesSettledAsync(Object.values(s.services)), 250);
      console.log(`partition healed: everything on ra and contested cleared ${Date.now() - healedAt} ms after the heal`);
      expect(externalMac(ROUTERS.rb)).not.toBe(SHARED_VMAC);
      expect(externalMac(ROUTERS.ra)).toBe(SHARED_VMAC);
      expect(ROUTER_IDS.flatMap((id) => writesBy(s.ovh, id, since))).toEqual([]);
    } catch (error) {
      console.log(s.diagnose());
      throw error;
    } finally {
      if (partitioned) nsExec(NS_SEG, ['ip', 'link', 'set', rb.segPort, 'master', 'br0']);
    }
  }, 200_000);
});
