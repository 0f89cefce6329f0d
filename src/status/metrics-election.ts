// The election's metric families (path checks, fail-back hold), rendered from the status report
// like every other metric. Demotion by reason (path, failback included) is metrics.ts's.
import type { StatusReport } from './model.js';

/** A family before the prefix is added: name, type, help and samples. */
export interface ElectionFamily {
  name: string;
  type: 'gauge' | 'counter';
  help: string;
  samples: Array<{ labels?: Record<string, string>; value: number }>;
}

/** Path-check and fail-back families from the report. */
export function electionFamilies(report: StatusReport): ElectionFamily[] {
  const { checks, failback } = report.election;
  const label = (c: (typeof checks)[number]) => ({ check: c.name, type: c.type });
  return [
    {
      name: 'path_check_up',
      type: 'gauge',
      help: 'Per path check: 1 up, 0 down (after fall/rise hysteresis); absent until its first verdict.',
      samples: checks.filter((c) => c.state !== 'pending').map((c) => ({ labels: label(c), value: c.state === 'up' ? 1 : 0 })),
    },
    {
      name: 'path_check_demotion',
      type: 'gauge',
      help: 'Per path check: what it adds to the path demotion now (its weight while down, else 0).',
      samples: checks.map((c) => ({ labels: label(c), value: c.demotion })),
    },
    {
      name: 'path_check_streak',
      type: 'gauge',
      help: 'Per path check: consecutive equal results, successes positive, failures negative.',
      samples: checks.map((c) => ({ labels: label(c), value: c.streak })),
    },
    {
      name: 'path_check_probes_total',
      type: 'counter',
      help: 'Per path check: probes run since start.',
      samples: checks.map((c) => ({ labels: label(c), value: c.probes })),
    },
    {
      name: 'path_check_failures_total',
      type: 'counter',
      help: 'Per path check: failed probes since start.',
      samples: checks.map((c) => ({ labels: label(c), value: c.failures })),
    },
    {
      name: 'failback_held',
      type: 'gauge',
      help: '1 while a fail-back hold keeps this node from taking MASTER back (labels: mode, state).',
      samples: [{ labels: { mode: failback.mode, state: failback.state }, value: failback.state === 'idle' ? 0 : 1 }],
    },
    {
      name: 'failback_hold_end_timestamp_seconds',
      type: 'gauge',
      help: 'When the running fail-back hold ends (mode hold, node ready); absent otherwise.',
      samples: failback.until === null ? [] : [{ value: Date.parse(failback.until) / 1000 }],
    },
  ];
}
