import parsePrometheusTextFormat, { type PrometheusFamily } from 'parse-prometheus-text-format';
import { describe, expect, it } from 'vitest';
import { drainConditions } from '../../src/status/drain.js';
import { escapeLabelValue, renderMetrics } from '../../src/status/metrics.js';
import type { StatusReport } from '../../src/status/model.js';
import { drainedReport, ovhDetail, resourceStatus } from '../fakes/status-report.js';

function parse(report: StatusReport): Map<string, PrometheusFamily> {
  const text = renderMetrics(report);
  return new Map(parsePrometheusTextFormat(text).map((f) => [f.name, f]));
}

/** name{labels} → value, for one family. */
function values(families: Map<string, PrometheusFamily>, name: string): Record<string, number> {
  const family = families.get(name);
  if (!family) throw new Error(`no family ${name}`);
  const out: Record<string, number> = {};
  for (const m of family.metrics) {
    const key = Object.entries(m.labels ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    out[key] = Number(m.value);
  }
  return out;
}

function reportWithErrors(): StatusReport {
  const base = drainedReport();
  const report: StatusReport = {
    ...base,
    resources: [
      resourceStatus({ id: 'gre:gre0', kind: 'gre', errorCounts: { COMMAND_FAILED: 2, COMMAND_TIMEOUT: 1 }, attempts: 2 }),
      resourceStatus({ id: 'ospf:gre0', kind: 'ospf', inSync: false, errorCounts: { VTYSH_FAILED: 4 } }),
      resourceStatus({ id: 'ospf:gre1', kind: 'ospf', inSync: null }),
      resourceStatus({
        id: 'ovh:192.0.2.10/32',
        kind: 'ovh',
        errorCounts: { OVH_RATE_LIMITED: 1 },
        detail: ovhDetail(false, { contested: true }),
      }),
    ],
  };
  return { ...report, drain: drainConditions(report) };
}

describe('renderMetrics', () => {
  it('renders every family with HELP and TYPE, parseable by a Prometheus text parser', () => {
    const text = renderMetrics(reportWithErrors());
    const families = parsePrometheusTextFormat(text);
    for (const family of families) {
      expect(family.name).toMatch(/^carp_failover_[a-z0-9_]+$/);
      expect(family.help.length).toBeGreaterThan(0);
      expect(['COUNTER', 'GAUGE', 'SUMMARY']).toContain(family.type);
    }
    // every line is a comment or a sample; one HELP and one TYPE per family
    const helps = text.split('\n').filter((l) => l.startsWith('# HELP '));
    expect(new Set(helps.map((l) => l.split(' ')[2])).size).toBe(helps.length);
    expect(text.endsWith('\n')).toBe(true);
  });

  it('role: 1 for the current role, 0 for the others', () => {
    const f = parse(reportWithErrors());
    expect(values(f, 'carp_failover_role')).toEqual({ 'role=MASTER': 0, 'role=BACKUP': 1, 'role=MIXED': 0, 'role=INIT': 0 });
    expect(f.get('carp_failover_role')!.type).toBe('GAUGE');
    expect(values(f, 'carp_failover_vhid_master')).toEqual({ 'vhid=1,interface=vmx0,state=BACKUP': 0, 'vhid=2,interface=vmx1,state=BACKUP': 0 });
  });

  it('counters: transitions, events received and dropped, others from report.counters', () => {
    const f = parse(reportWithErrors());
    expect(values(f, 'carp_failover_transitions_total')).toEqual({ '': 3 });
    expect(f.get('carp_failover_transitions_total')!.type).toBe('COUNTER');
    expect(values(f, 'carp_failover_events_received_total')).toEqual({ '': 17 });
    expect(values(f, 'carp_failover_events_dropped_total')).toEqual({ '': 2 });
    expect(values(f, 'carp_failover_reconciles_total')).toEqual({ '': 40 });
  });

  it('converge errors by resource and code; OVH calls by result; contested; in sync', () => {
    const f = parse(reportWithErrors());
    expect(values(f, 'carp_failover_converge_errors_total')).toEqual({
      'resource=gre:gre0,code=COMMAND_FAILED': 2,
      'resource=gre:gre0,code=COMMAND_TIMEOUT': 1,
      'resource=ospf:gre0,code=VTYSH_FAILED': 4,
      'resource=ovh:192.0.2.10/32,code=OVH_RATE_LIMITED': 1,
    });
    expect(values(f, 'carp_failover_ovh_calls_total')).toEqual({
      'resource=ovh:192.0.2.10/32,result=ok': 12,
      'resource=ovh:192.0.2.10/32,result=http4xx': 1,
      'resource=ovh:192.0.2.10/32,result=http5xx': 2,
      'resource=ovh:192.0.2.10/32,result=rateLimited': 0,
      'resource=ovh:192.0.2.10/32,result=timeout': 1,
      'resource=ovh:192.0.2.10/32,result=network': 0,
      'resource=ovh:192.0.2.10/32,result=auth': 0,
    });
    expect(values(f, 'carp_failover_contested')).toEqual({ 'resource=ovh:192.0.2.10/32': 1 });
    expect(values(f, 'carp_failover_ovh_bound_here')).toEqual({ 'resource=ovh:192.0.2.10/32': 0 });
    // ospf:gre1 was never observed: absent rather than a made-up 0
    expect(values(f, 'carp_failover_in_sync')).toEqual({
      'resource=gre:gre0,kind=gre': 1,
      'resource=ospf:gre0,kind=ospf': 0,
      'resource=ovh:192.0.2.10/32,kind=ovh': 1,
    });
  });

  it('OVH auth pause, the last verification and the time of the last good binding read, per failover IP; absent before the first read', () => {
    const paused = drainedReport({
      resources: [
        resourceStatus({
          id: 'ovh:192.0.2.10/32',
          kind: 'ovh',
          detail: ovhDetail(true, { pausedUntil: '2026-11-25T10:05:00.000Z', bindingReadAt: '2026-11-25T10:00:03.000Z', verify: { ok: false, at: '2026-11-25T10:01:03.000Z', error: 'HTTP 503' } }),
        }),
        resourceStatus({ id: 'ovh:192.0.2.11/32', kind: 'ovh', detail: ovhDetail(null, { ip: '192.0.2.11/32', verify: { ok: null, at: null, error: null } }) }),
      ],
    });
    const f = parse(paused);
    expect(values(f, 'carp_failover_ovh_auth_paused')).toEqual({ 'resource=ovh:192.0.2.10/32': 1, 'resource=ovh:192.0.2.11/32': 0 });
    expect(f.get('carp_failover_ovh_auth_paused')!.type).toBe('GAUGE');
    expect(values(f, 'carp_failover_ovh_verify_ok')).toEqual({ 'resource=ovh:192.0.2.10/32': 0 });
    expect(values(f, 'carp_failover_ovh_binding_read_timestamp_seconds')).toEqual({ 'resource=ovh:192.0.2.10/32': Date.parse('2026-11-25T10:00:03.000Z') / 1000 });
  });

  it('convergence as a summary (sum, count) plus the last duration', () => {
    const f = parse(reportWithErrors());
    const summary = f.get('carp_failover_converge_duration_seconds')!;
    expect(summary.type).toBe('SUMMARY');
    expect(Number(summary.metrics[0]!.sum)).toBe(4.5);
    expect(Number(summary.metrics[0]!.count)).toBe(3);
    expect(values(f, 'carp_failover_converge_duration_last_seconds')).toEqual({ '': 1.2 });
  });

  it('no convergence yet: count 0 and no last sample', () => {
    const f = parse(drainedReport({ convergence: { count: 0, sumMs: 0, lastMs: null } }));
    expect(Number(f.get('carp_failover_converge_duration_seconds')!.metrics[0]!.count)).toBe(0);
    expect(f.get('carp_failover_converge_duration_last_seconds')?.metrics ?? []).toEqual([]);
  });

  it('demotion by reason and the sysctl total; drained, draining, frozen, heartbeat', () => {
    const f = parse(reportWithErrors());
    expect(values(f, 'carp_failover_demotion')).toEqual({ 'reason=boot': 0, 'reason=failback': 0, 'reason=maintenance': 240, 'reason=path': 0, 'reason=readiness': 0 });
    expect(values(f, 'carp_failover_demotion_sysctl')).toEqual({ '': 240 });
    expect(values(f, 'carp_failover_draining')).toEqual({ '': 1 });
    expect(values(f, 'carp_failover_drained')).toEqual({ '': 0 });
    expect(values(f, 'carp_failover_frozen')).toEqual({ '': 0 });
    expect(values(f, 'carp_failover_heartbeat_timestamp_seconds')).toEqual({ '': Date.parse('2026-11-25T10:00:05.000Z') / 1000 });
    expect(values(f, 'carp_failover_drain_condition_met')['condition=ospf:gre0']).toBe(0);
    expect(values(f, 'carp_failover_drain_condition_met')['condition=vhids']).toBe(1);
  });

  it('drained and frozen read 1 when so', () => {
    const report = drainedReport({ flags: { drain: true, freeze: true } });
    const f = parse({ ...report, drain: drainConditions(report) });
    expect(values(f, 'carp_failover_drained')).toEqual({ '': 1 });
    expect(values(f, 'carp_failover_frozen')).toEqual({ '': 1 });
  });

  it('escapes label values per the format (backslash, quote, newline) and round-trips them', () => {
    const nasty = 'ovh:a\\b"c\nd';
    const report = drainedReport({
      node: 'router-002',
      resources: [resourceStatus({ id: nasty, kind: 'ovh', errorCounts: { OVH_HTTP: 1 }, detail: ovhDetail(true) })],
    });
    const text = renderMetrics(report);
    expect(text).toContain('resource="ovh:a\\\\b\\"c\\nd"');
    expect(text.split('\n').every((line) => !line.includes('\r'))).toBe(true);
    const f = new Map(parsePrometheusTextFormat(text).map((fam) => [fam.name, fam]));
    expect(f.get('carp_failover_converge_errors_total')!.metrics[0]!.labels).toEqual({ resource: nasty, code: 'OVH_HTTP' });
    expect(escapeLabelValue('a\\"\n')).toBe('a\\\\\\"\\n');
  });

  it('unread demotion or preempt are absent, not zero', () => {
    const f = parse(drainedReport({ demotion: { total: null, ours: { boot: 240, maintenance: 0, readiness: 0, path: 0, failback: 0 }, preempt: null, allow: null } }));
    expect(f.get('carp_failover_demotion_sysctl')?.metrics ?? []).toEqual([]);
    expect(f.get('carp_failover_preempt')?.metrics ?? []).toEqual([]);
  });

  it('a counter name from the engine that is not known gets a valid generic name', () => {
    const f = parse(drainedReport({ counters: { transitions: 1, 'weird-Counter.x': 5 } }));
    expect(values(f, 'carp_failover_weird_counter_x_total')).toEqual({ '': 5 });
  });
});
