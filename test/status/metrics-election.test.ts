// The election's metrics, parsed back with a Prometheus text parser: a gauge per check, the
// hold, and demotion by reason with path and failback in it.
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { describe, expect, it } from 'vitest';
import type { ElectionStatus, PathCheckStatus } from '../../src/election/check-status.js';
import { renderMetrics } from '../../src/status/metrics.js';
import { drainedReport } from '../fakes/status-report.js';

const checkStatus = (over: Partial<PathCheckStatus>): PathCheckStatus => ({
  name: 'upstream',
  type: 'icmp',
  target: '10.255.0.1',
  state: 'up',
  streak: 5,
  fall: 3,
  rise: 3,
  weight: 240,
  demotion: 0,
  lastResult: null,
  lastChangeAt: null,
  probing: false,
  probes: 12,
  failures: 2,
  ...over,
});

function families(election: ElectionStatus, ours = { path: 240, failback: 240 }) {
  const base = drainedReport();
  const text = renderMetrics({ ...base, election, demotion: { ...base.demotion, ours: { ...base.demotion.ours, ...ours } } });
  const out = new Map<string, Record<string, number>>();
  for (const family of parsePrometheusTextFormat(text)) {
    const samples: Record<string, number> = {};
    for (const m of family.metrics) samples[Object.entries(m.labels ?? {}).map(([k, v]) => `${k}=${v}`).join(',')] = Number(m.value);
    out.set(family.name, samples);
  }
  return out;
}

describe('election metrics', () => {
  const election: ElectionStatus = {
    pathDemotion: 240,
    checks: [checkStatus({}), checkStatus({ name: 'default-route', type: 'route', state: 'down', streak: -4, demotion: 240, probes: 9, failures: 6 }), checkStatus({ name: 'api', type: 'tcp', state: 'pending', streak: -1, probes: 1, failures: 1 })],
    failback: { mode: 'hold', state: 'holding', reason: 'x', since: '2026-11-25T10:00:00.000Z', readySince: '2026-11-25T10:01:00.000Z', until: '2026-11-25T10:06:00.000Z', demotion: 240 },
  };

  it('a gauge per check: up/down (absent while pending), its share, its streak; counters of probes and failures', () => {
    const f = families(election);
    expect(f.get('carp_failover_path_check_up')).toEqual({ 'check=upstream,type=icmp': 1, 'check=default-route,type=route': 0 });
    expect(f.get('carp_failover_path_check_demotion')).toEqual({ 'check=upstream,type=icmp': 0, 'check=default-route,type=route': 240, 'check=api,type=tcp': 0 });
    expect(f.get('carp_failover_path_check_streak')).toEqual({ 'check=upstream,type=icmp': 5, 'check=default-route,type=route': -4, 'check=api,type=tcp': -1 });
    expect(f.get('carp_failover_path_check_probes_total')).toEqual({ 'check=upstream,type=icmp': 12, 'check=default-route,type=route': 9, 'check=api,type=tcp': 1 });
    expect(f.get('carp_failover_path_check_failures_total')).toEqual({ 'check=upstream,type=icmp': 2, 'check=default-route,type=route': 6, 'check=api,type=tcp': 1 });
  });

  it('the hold, when it ends, and demotion by reason with path and failback', () => {
    const f = families(election);
    expect(f.get('carp_failover_failback_held')).toEqual({ 'mode=hold,state=holding': 1 });
    expect(f.get('carp_failover_failback_hold_end_timestamp_seconds')).toEqual({ '': Date.parse('2026-11-25T10:06:00.000Z') / 1000 });
    expect(f.get('carp_failover_demotion')).toMatchObject({ 'reason=path': 240, 'reason=failback': 240 });
  });

  it('nothing held: 0, and no end', () => {
    const f = families({ pathDemotion: 0, checks: [], failback: { mode: 'manual', state: 'idle', reason: null, since: null, readySince: null, until: null, demotion: 0 } }, { path: 0, failback: 0 });
    expect(f.get('carp_failover_failback_held')).toEqual({ 'mode=manual,state=idle': 0 });
    expect(f.get('carp_failover_failback_hold_end_timestamp_seconds')).toEqual({});
    expect(f.get('carp_failover_path_check_up')).toEqual({});
  });
});
