// The alerting rules: promtool validates them and runs their unit tests (in CI promtool must be
// there: skipReason refuses a skip), every metric and label they use is one the exporter
// exposes, and each concern the issue lists has a rule with a firing and a quiet test case.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { skipReason } from '../support/env.js';
import { exportedMetrics, labelUses, metricNames, TARGET_LABELS } from './exported-metrics.js';

const DIR = fileURLToPath(new URL('../../observability/', import.meta.url));
const RULES = 'carp-failover.rules.yml';
const TESTS = 'carp-failover.rules.test.yml';
const promtool = ['/usr/bin/promtool', '/usr/local/bin/promtool'].find((path) => existsSync(path)) ?? null;
const promtoolMissing = promtool === null ? 'promtool not installed (Debian package prometheus); run scripts/setup.sh as root' : null;

interface Rule {
  alert: string;
  expr: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface RuleTest {
  name: string;
  input_series: Array<{ series: string }>;
  alert_rule_test: Array<{ alertname: string; exp_alerts: unknown[] }>;
}

const rules = (parse(readFileSync(`${DIR}${RULES}`, 'utf8')) as { groups: Array<{ rules: Rule[] }> }).groups.flatMap((g) => g.rules);
const tests = (parse(readFileSync(`${DIR}${TESTS}`, 'utf8')) as { tests: RuleTest[] }).tests;
const exported = exportedMetrics();

describe.skipIf(skipReason('promtool', promtoolMissing) !== null)('promtool', () => {
  it('check rules: the file is valid', () => {
    const result = spawnSync(promtool!, ['check', 'rules', RULES], { cwd: DIR, encoding: 'utf8' });
    expect(result.stdout + result.stderr).toContain(`SUCCESS: ${rules.length} rules found`);
    expect(result.status).toBe(0);
  });

  it('test rules: every unit test passes', () => {
    const result = spawnSync(promtool!, ['test', 'rules', TESTS], { cwd: DIR, encoding: 'utf8' });
    expect(result.stdout + result.stderr).toMatch(/SUCCESS/);
    expect(result.stdout + result.stderr).not.toMatch(/FAILED/);
    expect(result.status).toBe(0);
  });
});

describe('metric names in the rules and their tests', () => {
  it('the exporter really exposes every metric and label the rules use', () => {
    for (const rule of rules) {
      const names = metricNames(rule.expr);
      expect(names.length + (rule.expr.includes('up{') ? 1 : 0), rule.alert).toBeGreaterThan(0);
      for (const name of names) expect(exported.has(name), `${rule.alert}: ${name}`).toBe(true);
      const { perMetric, grouping } = labelUses(rule.expr);
      for (const [metric, label] of perMetric) {
        if (metric === 'up' || TARGET_LABELS.includes(label)) continue;
        expect(exported.get(metric)?.has(label), `${rule.alert}: ${metric}{${label}}`).toBe(true);
      }
      for (const label of grouping) {
        if (TARGET_LABELS.includes(label)) continue;
        expect(names.some((name) => exported.get(name)?.has(label)), `${rule.alert}: by/on (${label})`).toBe(true);
      }
    }
  });

  it('the unit tests feed only exported series, with their real labels', () => {
    for (const test of tests) {
      for (const { series } of test.input_series) {
        const name = /^([a-zA-Z_:][a-zA-Z0-9_:]*)/.exec(series)![1]!;
        if (name === 'up') continue;
        expect(exported.has(name), `${test.name}: ${name}`).toBe(true);
        for (const [, label] of labelUses(series).perMetric) {
          if (!TARGET_LABELS.includes(label)) expect(exported.get(name)!.has(label), `${test.name}: ${name}{${label}}`).toBe(true);
        }
      }
    }
  });
});

describe('coverage of the rules', () => {
  // The concerns the rules must watch, each by the metric that shows it.
  const CONCERNS: Record<string, string> = {
    'role flapping': 'carp_failover_transitions_total',
    contested: 'carp_failover_contested',
    'OVH errors': 'carp_failover_ovh_calls_total',
    'OVH auth pause': 'carp_failover_ovh_auth_paused',
    'converge errors': 'carp_failover_converge_attempts',
    'stale heartbeat': 'carp_failover_heartbeat_timestamp_seconds',
    'drain requested, not confirmed': 'carp_failover_drained',
    'demotion held too long': 'carp_failover_demotion',
    'binding verification failing': 'carp_failover_ovh_verify_ok',
    'binding reads stopped': 'carp_failover_ovh_binding_read_timestamp_seconds',
    'upstream path down': 'carp_failover_path_check_up',
  };

  it.each(Object.entries(CONCERNS))('%s has a rule (%s)', (_, metric) => {
    expect(rules.some((rule) => metricNames(rule.expr).includes(metric))).toBe(true);
  });

  it.each(rules.map((rule) => [rule.alert] as const))('%s is unit-tested firing and quiet, with a severity and a summary', (alert) => {
    const cases = tests.flatMap((t) => t.alert_rule_test).filter((c) => c.alertname === alert);
    expect(cases.some((c) => c.exp_alerts.length > 0)).toBe(true);
    expect(cases.some((c) => c.exp_alerts.length === 0)).toBe(true);
    const rule = rules.find((r) => r.alert === alert)!;
    expect(['critical', 'warning', 'info']).toContain(rule.labels?.severity);
    expect(rule.annotations?.summary).toBeTruthy();
  });
});
