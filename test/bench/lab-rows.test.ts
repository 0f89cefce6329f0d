// The lab bench's rows: stable ids per strategy and task time, medians, the service's share after
// the CARP switch against the per-event script's (ratio = baseline / value), CARP's detection.
import { describe, expect, it } from 'vitest';
import { labRows, type StrategyResult } from '../../bench/lab-rows.js';
import type { FailoverSample, MoveSample } from '../../test/lab/measure.js';

const failover = (overDetection: number, firstCommand: number | null, claim: number | null, ovhWrites = 0, detection = 3398): FailoverSample => ({
  lostAt: 0, sinceAdvertisement: 500, detection, outageFromAdvertisement: 3390 + overDetection, overDetection, firstCommand, claim, ovhWrites,
});
const move = (longestGap: number, lost: number): MoveSample => ({ startedAt: 0, longestGap, lost, settledAfter: 1000 });

describe('labRows', () => {
  const results: StrategyResult[] = [
    { strategy: 'shared-vmac', taskMs: 0, failovers: [failover(30, 5, null), failover(20, 4, null), failover(40, 6, null)], drains: [{ drain: move(12, 0), undrain: move(15, 0) }, { drain: move(20, 0), undrain: move(11, 0) }, { drain: move(14, 1), undrain: move(13, 0) }] },
    { strategy: 'move', taskMs: 0, failovers: [failover(300, 20, 40, 1), failover(250, 10, 30, 1), failover(280, 30, 50, 1)], drains: [{ drain: move(10, 0), undrain: move(10, 0) }] },
    { strategy: 'move', taskMs: 20_000, failovers: [failover(20_300, 20, 40, 1)], drains: [{ drain: move(10, 0), undrain: move(10, 0) }] },
  ];
  const baseline = { failovers: [failover(600, 300, 500), failover(700, 400, 600), failover(650, 200, 700)] };
  const rows = labRows(results, baseline, { detectionMs: 3390.625, ifconfigMs: 4.2, trueMs: 1.5, runs: 3 });
  const byId = (id: string) => rows.find((r) => r.id === id);

  it('gives the medians under the issue\'s stable ids', () => {
    expect(byId('lab.shared-vmac.task0.failover.over_detection_ms')).toMatchObject({ value: 30, unit: 'ms' });
    expect(byId('lab.shared-vmac.task0.failover.ovh_writes')).toMatchObject({ value: 0 });
    expect(byId('lab.shared-vmac.task0.drain.longest_gap_ms')).toMatchObject({ value: 14 });
    expect(byId('lab.shared-vmac.task0.drain.lost')).toMatchObject({ value: 0 });
    expect(byId('lab.shared-vmac.task0.undrain.longest_gap_ms')).toMatchObject({ value: 13 });
    expect(byId('lab.move.task20.failover.over_detection_ms')).toMatchObject({ value: 20_300 });
    expect(byId('lab.move.task20.failover.ovh_writes')).toMatchObject({ value: 1 });
  });

  it('compares the service\'s share after the CARP switch with the per-event script (move, task 0 s)', () => {
    expect(byId('lab.service_share.first_command_ms')).toMatchObject({ value: 20, baseline: 300, ratio: 15 });
    expect(byId('lab.service_share.claim_ms')).toMatchObject({ value: 40, baseline: 600, ratio: 15 });
  });

  it('reports CARP\'s detection measured against its formula and the stand-in\'s cost', () => {
    expect(byId('lab.carp.detection_ms')).toMatchObject({ value: 3398 });
    expect(byId('lab.carp.detection_ms')!.metric).toContain('3390.6 ms');
    expect(byId('lab.standin.ifconfig_ms')).toMatchObject({ value: 4.2 });
    expect(byId('lab.standin.ifconfig_ms')!.metric).toContain('/bin/true: 1.5 ms');
  });

  it('leaves out what no run measured instead of reporting zero, and the share without a baseline', () => {
    const none = labRows([{ strategy: 'vmac', taskMs: 0, failovers: [failover(10, null, null)], drains: [] }], null, { detectionMs: 3390, ifconfigMs: 3, trueMs: 1, runs: 1 });
    expect(none.find((r) => r.id === 'lab.vmac.task0.drain.longest_gap_ms')).toBeUndefined();
    expect(none.find((r) => r.id === 'lab.service_share.claim_ms')).toBeUndefined();
  });
});
