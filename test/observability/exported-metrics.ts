// What the exporter really exposes: the families renderMetrics (src/status/metrics.ts) writes
// for a report in which every optional part is present (each engine counter, an OVH failover IP
// with every status field, a drain, a readiness hold, a finished reconcile, a convergence), read
// back with a Prometheus text parser. Alerting rules and the dashboard are checked against it.
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { ENGINE_COUNTERS } from '../../src/engine/engine-status.js';
import { drainConditions } from '../../src/status/drain.js';
import { renderMetrics } from '../../src/status/metrics.js';
import { drainedReport, ovhDetail, resourceStatus, T1 } from '../fakes/status-report.js';

/** Labels Prometheus adds to every scraped series. */
export const TARGET_LABELS = ['instance', 'job'];

/** Metric name → the label names it carries (summaries also as name_sum and name_count). */
export function exportedMetrics(): Map<string, Set<string>> {
  const base = drainedReport();
  const report = {
    ...base,
    counters: Object.fromEntries(ENGINE_COUNTERS.map((name, i) => [name, i + 1])),
    readiness: { ready: false, holds: [{ resource: 'ospf:gre0', reason: 'no Full neighbour' }] },
    election: {
      pathDemotion: 120,
      checks: [
        { name: 'upstream-1', type: 'icmp' as const, target: '198.51.100.1', state: 'down' as const, streak: -3, fall: 3, rise: 3, weight: 120, demotion: 120, lastResult: null, lastChangeAt: null, probing: false, probes: 9, failures: 3 },
      ],
      failback: { mode: 'hold' as const, state: 'holding' as const, reason: 'lost MASTER while demoted for path', since: T1, readySince: T1, until: T1, demotion: 240 },
    },
    resources: [
      ...base.resources.filter((r) => r.kind !== 'ovh'),
      resourceStatus({
        id: 'ovh:192.0.2.10/32',
        kind: 'ovh',
        errorCounts: { OVH_HTTP: 1 },
        attempts: 1,
        detail: ovhDetail(true, { contested: true, pausedUntil: T1 }),
      }),
    ],
  };
  const families = parsePrometheusTextFormat(renderMetrics({ ...report, drain: drainConditions(report) }));
  const out = new Map<string, Set<string>>();
  for (const family of families) {
    const labels = new Set(family.metrics.flatMap((m) => Object.keys(m.labels ?? {})));
    const names = family.type === 'SUMMARY' ? [family.name, `${family.name}_sum`, `${family.name}_count`] : [family.name];
    for (const name of names) out.set(name, labels);
  }
  return out;
}

/** Every carp_failover_* metric named in a PromQL expression. */
export function metricNames(expr: string): string[] {
  return [...new Set([...expr.matchAll(/\bcarp_failover_[a-z0-9_]+\b/g)].map((m) => m[0]))];
}

/**
 * Label names a PromQL expression uses with each metric: matchers in `metric{...}`; and names
 * in by/without/on/ignoring clauses, which must exist on some metric of the expression.
 */
export function labelUses(expr: string): { perMetric: Array<[string, string]>; grouping: string[] } {
  const perMetric: Array<[string, string]> = [];
  for (const m of expr.matchAll(/\b(carp_failover_[a-z0-9_]+|up)\{([^}]*)\}/g)) {
    for (const matcher of m[2]!.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)/g)) perMetric.push([m[1]!, matcher[1]!]);
  }
  const grouping = [...expr.matchAll(/\b(?:by|without|on|ignoring)\s*\(([^)]*)\)/g)].flatMap((m) =>
    m[1]!
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
  return { perMetric, grouping };
}
