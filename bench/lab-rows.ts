// The lab bench's table rows: per architecture and task time the median outage and its
// breakdown, the per-event script as the service's baseline, and the acceptance check of issue 8
// ("the outage with a 0-second OVH task is within 1 second of CARP's own detection time").
import { carpDetectionMs } from '../test/lab/plan.js';
import { median, type Sample } from './lab-measure.js';
import type { BenchRow } from './types.js';

/** The samples of one architecture at one task time. */
export interface ModeResult {
  architecture: 'service' | 'per-event script';
  taskMs: number;
  samples: Sample[];
}

const STEPS: Array<[keyof Sample, string]> = [
  ['carpSwitch', 'CARP switch (b MASTER)'],
  ['tunnelUp', 'tunnel up on b'],
  ['ospfCost', 'OSPF cost lowered on b'],
  ['ovhClaim', 'OVH claim received by the mock'],
  ['taskDone', 'OVH task done (IPFO routed to b)'],
  ['firstReply', 'first ping reply through b'],
];

function taskLabel(taskMs: number): string {
  return taskMs === 0 ? 'OVH task 0 s' : `OVH task ${taskMs / 1000} s (a real move takes ~1 min, docs/ovh.md; compressed)`;
}

function label(m: ModeResult): string {
  return `${m.architecture}, ${taskLabel(m.taskMs)}`;
}

const of = (m: ModeResult, key: keyof Sample) => median(m.samples.map((s) => s[key]));
/** Median over runs of (first reply − CARP switch): what follows CARP's detection, run by run. */
const afterSwitch = (m: ModeResult) => median(m.samples.map((s) => (s.carpSwitch === null ? null : s.firstReply - s.carpSwitch)));

/** Median over runs of the outage plus the time from a's last advertisement to the loss. */
const fromAdvertisement = (m: ModeResult) => median(m.samples.map((s) => s.firstReply + s.sinceAdvertisement));

/** A row whose baseline is the per-event script's value of the same measure (ratio = baseline / value). */
function row(metric: string, value: number, unit: string, baseline: number | null): BenchRow {
  return baseline === null ? { metric, value, unit } : { metric, value, unit, baseline, ratio: baseline / value };
}

/** Where the lab's CARP stands: the stand-in's detection against the formula it stands in for. */
export interface CarpTiming {
  advskew: number;
  advbaseS: number;
  /** The engine standing in for FreeBSD's CARP (test/lab/keepalived.ts). */
  engine: string;
}

/** The table rows; CARP's timing gives the detection time for the acceptance rows. */
export function labRows(modes: ModeResult[], carp: CarpTiming, runs: number): BenchRow[] {
  const rows: BenchRow[] = [];
  const find = (architecture: ModeResult['architecture'], taskMs: number) => modes.find((m) => m.architecture === architecture && m.taskMs === taskMs);
  for (const m of modes) {
    const script = m.architecture === 'service' ? find('per-event script', m.taskMs) : undefined;
    const measures: Array<[string, string, (x: ModeResult) => number | null]> = [
      [`outage, MASTER loss → first ping reply through b: ${label(m)}, median of ${runs}`, 'ms', (x) => of(x, 'firstReply')],
      [`  MASTER loss, ms after a's last advertisement (${label(m)})`, 'ms', (x) => of(x, 'sinceAdvertisement')],
      [`  outage counted from a's last advertisement (${label(m)}): where in the interval the loss fell taken out, the fair comparison`, 'ms', fromAdvertisement],
      ...STEPS.filter(([key]) => key !== 'firstReply').map(([key, name]): [string, string, (x: ModeResult) => number | null] => [`  breakdown (${label(m)}): ${name}, +ms after MASTER loss`, 'ms', (x) => of(x, key)]),
      [`  first ping reply − CARP switch, per run (${label(m)}): the handler's, OVH's and routing's share`, 'ms', afterSwitch],
      [`  OVH API calls by b per failover (${label(m)})`, 'calls', (x) => of(x, 'ovhCalls')],
      [`  longest gap between ping replies (${label(m)})`, 'ms', (x) => of(x, 'longestGap')],
    ];
    for (const [metric, unit, measure] of measures) {
      const value = measure(m);
      // Only the outage, the share after the switch and the calls compare across architectures.
      const compared = !metric.includes('breakdown') && !metric.includes('longest gap') && !metric.includes('MASTER loss, ms after');
      if (value !== null) rows.push(row(metric, value, unit, script && compared ? measure(script) : null));
    }
  }
  const detection = carpDetectionMs(carp.advskew);
  const all = modes.flatMap((m) => m.samples);
  const capture = `CARP played by ${carp.engine}`;
  rows.push({ metric: `CARP's own detection time, 3 × advbase + advskew/256 (advbase ${carp.advbaseS} s, b's advskew ${carp.advskew})`, value: detection, unit: 'ms' });
  const onWire = median(all.map((s) => (s.carpSwitch === null ? null : s.carpSwitch + s.sinceAdvertisement)));
  if (onWire !== null) {
    rows.push({ metric: `CARP detection measured: b's switch − a's last advertisement, median of all ${all.length} failovers (${capture})`, value: onWire, unit: 'ms' });
  }
  const service0 = find('service', 0);
  if (service0) {
    const outage = of(service0, 'firstReply');
    const fromAdvert = fromAdvertisement(service0);
    if (fromAdvert !== null) {
      rows.push({ metric: "acceptance: service outage (OVH task 0 s) counted from a's last advertisement (a MASTER lost right after advertising, the worst case) − CARP detection time, median, must be ≤ 1000", value: fromAdvert - detection, unit: 'ms' });
    }
    if (outage !== null) rows.push({ metric: 'service outage (OVH task 0 s, loss at a random point of the interval) − CARP detection time, median', value: outage - detection, unit: 'ms' });
    const share = afterSwitch(service0);
    if (share !== null) rows.push({ metric: "service outage (OVH task 0 s) − the same run's measured CARP switch, median", value: share, unit: 'ms' });
  }
  return rows;
}
