// The Grafana dashboard: valid JSON for import, every query uses only metrics and labels the
// exporter exposes, and the panels the issue asks for are there (role over time, failovers with
// their durations, OVH calls by result, converge times, demotion by reason).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { exportedMetrics, labelUses, metricNames, TARGET_LABELS } from './exported-metrics.js';

interface Panel {
  title: string;
  type: string;
  targets?: Array<{ expr: string }>;
}
const dashboard = JSON.parse(readFileSync(fileURLToPath(new URL('../../observability/grafana-dashboard.json', import.meta.url)), 'utf8')) as {
  title: string;
  uid: string;
  panels: Panel[];
  templating: { list: Array<{ name: string; query: { query: string } }> };
  annotations: { list: Array<{ expr: string }> };
};
const exported = exportedMetrics();
const queries: Array<[string, string]> = [
  ...dashboard.panels.flatMap((p) => (p.targets ?? []).map((t): [string, string] => [p.title, t.expr])),
  ...dashboard.templating.list.map((v): [string, string] => [`variable ${v.name}`, v.query.query]),
  ...dashboard.annotations.list.map((a): [string, string] => ['annotation', a.expr]),
];

describe('the Grafana dashboard', () => {
  it('is an importable dashboard with a Prometheus data source input', () => {
    expect(dashboard.title).toBe('carp-failover');
    expect(dashboard.uid).toMatch(/^[a-z0-9-]{1,40}$/);
    expect(JSON.stringify(dashboard)).toContain('${DS_PROMETHEUS}');
    const ids = dashboard.panels.map((p) => (p as unknown as { id: number }).id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each(queries)('%s: only exported metrics and labels (%s)', (_, expr) => {
    const names = metricNames(expr);
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(exported.has(name), name).toBe(true);
    const { perMetric, grouping } = labelUses(expr);
    for (const [metric, label] of perMetric) {
      if (!TARGET_LABELS.includes(label)) expect(exported.get(metric)?.has(label), `${metric}{${label}}`).toBe(true);
    }
    for (const label of grouping) {
      if (!TARGET_LABELS.includes(label)) expect(names.some((name) => exported.get(name)?.has(label)), `by (${label})`).toBe(true);
    }
  });

  const PANELS: Array<[RegExp, string]> = [
    [/role over time/i, 'carp_failover_role'],
    [/^failovers$/i, 'carp_failover_transitions_total'],
    [/failover durations/i, 'carp_failover_converge_duration_seconds_sum'],
    [/failover durations/i, 'carp_failover_converge_duration_last_seconds'],
    [/ovh api calls by result/i, 'carp_failover_ovh_calls_total'],
    [/demotion by reason/i, 'carp_failover_demotion'],
  ];
  it.each(PANELS)('has a panel %s showing %s', (title, metric) => {
    const panel = dashboard.panels.find((p) => title.test(p.title));
    expect(panel, String(title)).toBeDefined();
    expect(panel!.targets!.some((t) => metricNames(t.expr).includes(metric))).toBe(true);
  });

  it('shows OVH calls by their result label and demotion by its reason label', () => {
    const ovh = dashboard.panels.find((p) => /ovh api calls/i.test(p.title))!;
    expect(ovh.targets![0]!.expr).toMatch(/by \(result\)/);
    const demotion = dashboard.panels.find((p) => /demotion by reason/i.test(p.title))!;
    expect(JSON.stringify(demotion)).toContain('{{reason}}');
  });
});
