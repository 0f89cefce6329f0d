import { describe, expect, it } from 'vitest';
import { formatHistory, formatJson, formatStatus } from '../../src/cli/format.js';
import { cell, duration, table } from '../../src/cli/format-text.js';
import { NOW, sampleHistory, sampleStatus } from '../fakes/status-report.js';

const opts = { now: NOW, staleAfterMs: 45_000 };

describe('formatStatus', () => {
  const text = formatStatus(sampleStatus(), opts);
  const lines = text.split('\n');

  it('heads with node, role and since, vhids, demotion by reason, flags and readiness', () => {
    expect(lines[0]).toBe('node       router-002 (pid 4242)');
    expect(lines[1]).toBe('role       MASTER since 2025-11-25T07:56:48.000Z (3m12s ago)');
    expect(lines[2]).toBe('vhids      1@vmx0 MASTER (advskew 0), 2@vmx1 MASTER (advskew 0)');
    expect(lines[3]).toBe('demotion   total 240, ours: boot 0, maintenance 0, readiness 240, path 0, failback 0; preempt on');
    expect(lines[4]).toBe('flags      drain off, freeze off');
    expect(lines[5]).toBe('readiness  NOT READY (1 hold(s))');
    expect(lines[6]).toBe('           ospf:gre1: no Full neighbour on gre1 (require_neighbors 1)');
  });

  it('shows each resource with desired, actual, in sync, last error and next retry', () => {
    const header = lines.find((line) => line.includes('RESOURCE'))!;
    expect(header.trim().split(/\s{2,}/)).toEqual(['RESOURCE', 'DESIRED', 'ACTUAL', 'IN SYNC', 'LAST ERROR', 'NEXT RETRY', 'WAITING']);
    const gre = lines.find((line) => line.trim().startsWith('gre:gre0'))!;
    expect(gre.trim().split(/\s{2,}/)).toEqual(['gre:gre0', 'up', 'up', 'yes', '-', '-', '-']);
    const ovh = lines.find((line) => line.trim().startsWith('ovh:'))!;
    expect(ovh).toContain('NO');
    expect(ovh).toContain('OVH_RATE_LIMITED: HTTP 429');
    expect(ovh).toContain('2025-11-25T08:00:04.000Z (in 4.0 s)');
    expect(ovh).toContain('backoff');
    // Columns line up: every row starts its DESIRED cell where the header does.
    const column = header.indexOf('DESIRED');
    expect(gre.slice(column, column + 2)).toBe('up');
  });

  it('lists counters, the last reconcile, convergence and the heartbeat', () => {
    expect(text).toContain('  events.received                  12\n');
    expect(text).toContain('reconcile  r-7f3a FAILED in 37 ms at 2025-11-25T07:59:58.000Z (2.0 s ago)');
    expect(text).toContain('converge   last 812 ms, mean 800 ms over 2');
    expect(text).toContain('heartbeat  2025-11-25T07:59:59.500Z (500 ms ago)');
    expect(text).not.toContain('WARNING');
  });

  it('warns when the heartbeat is stale', () => {
    const stale = formatStatus(sampleStatus(120_000), opts);
    expect(stale).toContain('WARNING: the heartbeat is 2m00s old (more than 45.0 s): the service answers but may be stuck.');
  });

  it('shows drain conditions while draining', () => {
    const report = { ...sampleStatus(), flags: { drain: true, freeze: false }, drain: { drained: false, conditions: [{ name: 'peer is MASTER', met: true, detail: 'vhid 1 BACKUP here' }, { name: 'IPFO points at the peer', met: false, detail: 'still here' }] } };
    const out = formatStatus(report, opts);
    expect(out).toContain('flags      drain ON, freeze off');
    expect(out).toContain('drain      draining (not yet drained)');
    expect(out).toContain('[x] peer is MASTER: vhid 1 BACKUP here');
    expect(out).toContain('[ ] IPFO points at the peer: still here');
  });

  it('strips terminal control sequences coming from the service', () => {
    const report = sampleStatus();
    report.node = 'evil\u001b[2J\u0007';
    report.resources[0]!.lastError = { code: 'COMMAND_FAILED', message: 'stderr: \u001b]0;pwned\u0007', details: {}, transient: false, at: report.heartbeatAt };
    const out = formatStatus(report, opts);
    expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
  });

  it('says when nothing is configured', () => {
    const out = formatStatus({ ...sampleStatus(), resources: [], counters: {}, lastReconcile: null, convergence: { count: 0, sumMs: 0, lastMs: null } }, opts);
    expect(out).toContain('  (none configured)');
    expect(out).toContain('reconcile  not yet run');
    expect(out).toContain('converge   no transition yet');
  });
});

describe('formatHistory', () => {
  it('prints each failover as a timeline with +offset ms per step', () => {
    const out = formatHistory(sampleHistory());
    const lines = out.split('\n');
    expect(lines[0]).toBe('2025-11-25T07:56:48.000Z  BACKUP → MASTER  (1@vmx0 MASTER, 2@vmx1 MASTER)  not converged');
    expect(lines[1]!.trim().split(/\s{2,}/)).toEqual(['OFFSET', 'RESOURCE', 'STEP', 'OUTCOME', 'TOOK', 'ERROR']);
    expect(lines[2]!.trim().split(/\s{2,}/)).toEqual(['+304 ms', 'gre:gre0', 'ifconfig gre0 up', 'ok', '3 ms']);
    expect(lines[3]!.trim().split(/\s{2,}/)).toEqual(['+311 ms', 'ospf:gre0', 'ip ospf cost 10 on gre0', 'ok', '45 ms']);
    expect(lines[4]!.trim().split(/\s{2,}/)).toEqual(['+3012 ms', 'ovh:192.0.2.10/32', 'bind 192.0.2.10/32 to 02:00:00:ff:3e:98', 'ERROR', '120 ms', 'OVH_RATE_LIMITED: HTTP 429']);
  });

  it('says when a timeline converged, and separates timelines', () => {
    const [one] = sampleHistory();
    const converged = { ...one!, convergedAfterMs: 311, steps: one!.steps.slice(0, 2) };
    const out = formatHistory([converged, { ...converged, from: 'MASTER' as const, to: 'BACKUP' as const, steps: [] }]);
    expect(out).toContain('converged after 311 ms');
    expect(out).toContain('MASTER → BACKUP');
    expect(out).toContain('  (no steps)');
    expect(out.split('\n\n')).toHaveLength(2);
  });

  it('says when there is no history', () => {
    expect(formatHistory([])).toBe('no role transition recorded yet\n');
  });
});

describe('text helpers', () => {
  it('renders durations for humans', () => {
    expect(duration(0)).toBe('0 ms');
    expect(duration(999)).toBe('999 ms');
    expect(duration(1500)).toBe('1.5 s');
    expect(duration(192_000)).toBe('3m12s');
    expect(duration(2 * 3_600_000 + 5 * 60_000)).toBe('2h05m');
    expect(duration(3 * 86_400_000)).toBe('3d00h');
    expect(duration(Number.NaN)).toBe('?');
  });

  it('renders any JSON value as one bounded cell', () => {
    expect(cell(null)).toBe('-');
    expect(cell(true)).toBe('yes');
    expect(cell({ cost: 10 })).toBe('{"cost":10}');
    expect(cell('x'.repeat(100), 10)).toBe(`${'x'.repeat(9)}…`);
    expect(cell('a\nb')).toBe('a b');
  });

  it('aligns table columns', () => {
    expect(table(['a', 'bb'], [['xxx', 'y'], ['z', 'w']])).toEqual(['A    BB', 'xxx  y', 'z    w']);
  });

  it('prints --json as the result itself, parseable', () => {
    const report = sampleStatus();
    expect(JSON.parse(formatJson(report))).toEqual(report);
    expect(formatJson([])).toBe('[]\n');
  });
});
