// The lab bench's rows: per strategy and OVH task time, the medians the issue names, each with a
// stable id (lab.<strategy>.task<0|20>.…); the service's share after the CARP switch against the
// per-event script's in the same run (lab.service_share.…, goal ≥ 10×); CARP's detection measured
// on the wire against its formula; and the cost of one ifconfig stand-in call.
import type { FailoverSample, MoveSample } from '../test/lab/measure.js';
import { median } from '../test/lab/measure.js';
import type { Strategy } from '../test/lab/plan.js';
import type { BenchRow } from './types.js';

/** What one strategy at one task time gave. */
export interface StrategyResult {
  strategy: Strategy;
  taskMs: number;
  failovers: FailoverSample[];
  drains: Array<{ drain: MoveSample; undrain: MoveSample }>;
}

/** The per-event script's failovers (move, task 0 s), the service's baseline. */
export interface Baseline {
  failovers: FailoverSample[];
}

export interface LabFacts {
  /** CARP's own detection time for the new MASTER: 3 × advbase + advskew/256. */
  detectionMs: number;
  /** Median of one ifconfig stand-in call, ms. */
  ifconfigMs: number;
  /** Median of one /bin/true call in the same run, ms: what starting any process costs now. */
  trueMs: number;
  runs: number;
}

function row(id: string | undefined, metric: string, value: number | null, unit: string, baseline?: number | null): BenchRow[] {
  if (value === null) return [];
  const out: BenchRow = { ...(id ? { id } : {}), metric, value, unit };
  if (baseline !== undefined && baseline !== null) Object.assign(out, { baseline, ratio: baseline / value });
  return [out];
}

/** The rows of the lab bench. */
export function labRows(results: StrategyResult[], baseline: Baseline | null, facts: LabFacts): BenchRow[] {
  const rows: BenchRow[] = [];
  for (const r of results) {
    const key = `lab.${r.strategy}.task${Math.round(r.taskMs / 1000)}`;
    const label = `${r.strategy}, OVH task ${r.taskMs / 1000} s, median of ${facts.runs}`;
    const f = (pick: (s: FailoverSample) => number | null) => median(r.failovers.map(pick));
    const d = (pick: (s: { drain: MoveSample; undrain: MoveSample }) => number) => median(r.drains.map(pick));
    rows.push(
      ...row(`${key}.failover.over_detection_ms`, `${label}: unplanned failover, outage from the old MASTER's last advertisement − CARP's detection (${facts.detectionMs.toFixed(0)} ms)`, f((s) => s.overDetection), 'ms'),
      ...row(`${key}.failover.ovh_writes`, `${label}: OVH writes per failover`, f((s) => s.ovhWrites), 'writes'),
      ...row(`${key}.drain.longest_gap_ms`, `${label}: drain, longest gap between ping replies`, d((s) => s.drain.longestGap), 'ms'),
      ...row(`${key}.drain.lost`, `${label}: drain, lost pings`, d((s) => s.drain.lost), 'pings'),
      ...row(`${key}.undrain.longest_gap_ms`, `${label}: undrain, longest gap between ping replies`, d((s) => s.undrain.longestGap), 'ms'),
      ...row(undefined, `${label}: undrain, lost pings`, d((s) => s.undrain.lost), 'pings'),
    );
  }
  const service = results.find((r) => r.strategy === 'move' && r.taskMs === 0);
  if (service && baseline) {
    const share = (failovers: FailoverSample[], pick: (s: FailoverSample) => number | null) => median(failovers.map(pick));
    rows.push(
      ...row('lab.service_share.first_command_ms', 'move, task 0 s: CARP switch → first data-plane command (tunnel up), service vs per-event script (goal ≥ 10×)', share(service.failovers, (s) => s.firstCommand), 'ms', share(baseline.failovers, (s) => s.firstCommand)),
      ...row('lab.service_share.claim_ms', 'move, task 0 s: CARP switch → OVH claim received, service vs per-event script (goal ≥ 10×)', share(service.failovers, (s) => s.claim), 'ms', share(baseline.failovers, (s) => s.claim)),
    );
  }
  const all = results.flatMap((r) => r.failovers);
  rows.push(
    ...row('lab.carp.detection_ms', `CARP detection measured (the new MASTER's switch − the old one's last advertisement), median of ${all.length}; formula 3 × advbase + advskew/256 = ${facts.detectionMs.toFixed(1)} ms`, median(all.map((s) => s.detection)), 'ms'),
    ...row('lab.standin.ifconfig_ms', `one ifconfig stand-in call (compiled client, resident server), median of 40, a process start included (/bin/true: ${facts.trueMs.toFixed(1)} ms in the same run); must be ≤ 10`, facts.ifconfigMs, 'ms'),
  );
  return rows;
}
