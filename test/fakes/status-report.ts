// StatusReport builders for tests of what reads status (drain checks, metrics, the CLI). The
// defaults describe router-002 drained to BACKUP behind router-003; tests override parts.
// sampleStatus/sampleHistory are router-002 as MASTER with one failing resource, for the CLI.
import type { FailoverIpStatus } from '../../src/resources/resource.js';
import { NO_ELECTION_STATUS } from '../../src/engine/election-hook.js';
import { STATUS_VERSION, type ResourceStatus, type StatusReport, type Timeline } from '../../src/status/model.js';

export const T0 = '2026-11-25T10:00:00.000Z';
/** After T0: the role changed at T0, the resources were observed at T1. */
export const T1 = '2026-11-25T10:00:05.000Z';

export function resourceStatus(overrides: Partial<ResourceStatus> & Pick<ResourceStatus, 'id' | 'kind'>): ResourceStatus {
  return {
    desired: null,
    actual: null,
    inSync: true,
    lastObservedAt: T1,
    lastChangeAt: T1,
    lastError: null,
    attempts: 0,
    nextRetryAt: null,
    waiting: null,
    waitingFor: null,
    errorCounts: {},
    detail: null,
    detailError: null,
    ...overrides,
  };
}

/** The failover IP's typed status: bound here (true), at router-003 (false) or unread (null), read at T1. */
export function ovhDetail(ours: boolean | null, overrides: Partial<FailoverIpStatus> = {}): FailoverIpStatus {
  return {
    kind: 'ovh',
    ip: '192.0.2.10/32',
    strategy: 'vmac',
    binding: ours === null ? null : { target: ours ? '02:00:00:aa:bb:02' : '02:00:00:aa:bb:03', ours },
    bindingReadAt: ours === null ? null : T1,
    taskInFlight: null,
    contested: false,
    reclaimNotBefore: null,
    lastClaimAt: null,
    pausedUntil: null,
    verify: { ok: ours !== null, at: ours === null ? null : T1, error: null },
    calls: { ok: 12, http4xx: 1, http5xx: 2, rateLimited: 0, timeout: 1, network: 0, auth: 0 },
    ...overrides,
  };
}

/** router-002, drained: both vhids BACKUP, maintenance demotion held, everything converged. */
export function drainedReport(overrides: Partial<StatusReport> = {}): StatusReport {
  return {
    version: STATUS_VERSION,
    node: 'router-002',
    role: 'BACKUP',
    roleSince: T0,
    vhids: [
      { vhid: 1, interface: 'vmx0', state: 'BACKUP', advbase: 1, advskew: 0 },
      { vhid: 2, interface: 'vmx1', state: 'BACKUP', advbase: 1, advskew: 0 },
    ],
    demotion: { total: 240, ours: { boot: 0, maintenance: 240, readiness: 0, path: 0, failback: 0 }, preempt: true, allow: true },
    flags: { drain: true, freeze: false },
    drain: null,
    readiness: { ready: true, holds: [] },
    election: NO_ELECTION_STATUS,
    resources: [
      resourceStatus({ id: 'gre:gre0', kind: 'gre', desired: { up: false }, actual: { up: false } }),
      resourceStatus({ id: 'gre:gre1', kind: 'gre', desired: { up: false }, actual: { up: false } }),
      resourceStatus({ id: 'ospf:gre0', kind: 'ospf', desired: { cost: 100 }, actual: { cost: 100 } }),
      resourceStatus({ id: 'ovh:192.0.2.10/32', kind: 'ovh', desired: null, actual: null, inSync: null, detail: ovhDetail(false) }),
    ],
    counters: { transitions: 3, eventsReceived: 17, eventsDropped: 2, reconciles: 40 },
    lastReconcile: { id: 'r1', at: T1, durationMs: 42, ok: true },
    convergence: { count: 3, sumMs: 4500, lastMs: 1200 },
    config: { path: '/usr/local/etc/carp-failover.yaml', loadedAt: T0, reloads: 0, reloadFailures: 0 },
    metrics: null,
    startedAt: '2026-11-25T09:00:00.000Z',
    heartbeatAt: T1,
    pid: 4242,
    ...overrides,
  };
}

/** Replaces one resource (by id) in a report. */
export function withResource(report: StatusReport, id: string, overrides: Partial<ResourceStatus>): StatusReport {
  return { ...report, resources: report.resources.map((r) => (r.id === id ? { ...r, ...overrides } : r)) };
}

/** The CLI tests' "now": sampleStatus and sampleHistory are dated relative to it. */
export const NOW = Date.parse('2025-11-25T08:00:00.000Z');
const ago = (ms: number) => new Date(NOW - ms).toISOString();

/** router-002 MASTER with the OVH claim failing; `heartbeatAgeMs` ages the heartbeat to test the stale warning. */
export function sampleStatus(heartbeatAgeMs = 500): StatusReport {
  const observed = (id: string, kind: 'gre' | 'ospf' | 'ovh', desired: unknown, actual: unknown, inSync: boolean) =>
    resourceStatus({ id, kind, desired, actual, inSync, lastObservedAt: ago(2000), lastChangeAt: ago(190_000) });
  return drainedReport({
    role: 'MASTER',
    roleSince: ago(192_000),
    vhids: [
      { vhid: 1, interface: 'vmx0', state: 'MASTER', advbase: 1, advskew: 0 },
      { vhid: 2, interface: 'vmx1', state: 'MASTER', advbase: 1, advskew: 0 },
    ],
    demotion: { total: 240, ours: { boot: 0, maintenance: 0, readiness: 240, path: 0, failback: 0 }, preempt: true, allow: true },
    flags: { drain: false, freeze: false },
    readiness: { ready: false, holds: [{ resource: 'ospf:gre1', reason: 'no Full neighbour on gre1 (require_neighbors 1)' }] },
    resources: [
      observed('gre:gre0', 'gre', 'up', 'up', true),
      observed('ospf:gre0', 'ospf', { cost: 10 }, { cost: 10 }, true),
      {
        ...observed('ovh:192.0.2.10/32', 'ovh', { vmac: '02:00:00:ff:3e:98' }, { vmac: '02:00:00:aa:bb:cc' }, false),
        lastError: { code: 'OVH_RATE_LIMITED', message: 'HTTP 429 on POST /dedicated/server/ns3000000/virtualMac', details: {}, transient: true, at: ago(4000) },
        attempts: 2,
        nextRetryAt: new Date(NOW + 4000).toISOString(),
        waiting: 'backoff',
      },
    ],
    counters: { 'events.received': 12, 'events.malformed': 1, transitions: 3, reconciles: 40, 'converge.errors': 2 },
    lastReconcile: { id: 'r-7f3a', at: ago(2000), durationMs: 37, ok: false },
    convergence: { count: 2, sumMs: 1600, lastMs: 812 },
    config: { path: '/usr/local/etc/carp-failover.yaml', loadedAt: ago(3_600_000), reloads: 1, reloadFailures: 0 },
    startedAt: ago(7_200_000),
    heartbeatAt: ago(heartbeatAgeMs),
  });
}

/** One BACKUP → MASTER failover with three steps, one of them failed. */
export function sampleHistory(): Timeline[] {
  return [
    {
      at: ago(192_000),
      from: 'BACKUP',
      to: 'MASTER',
      vhids: [
        { vhid: 1, interface: 'vmx0', state: 'MASTER' },
        { vhid: 2, interface: 'vmx1', state: 'MASTER' },
      ],
      steps: [
        { offsetMs: 304, at: ago(191_696), resource: 'gre:gre0', step: 'ifconfig gre0 up', outcome: 'ok', durationMs: 3 },
        { offsetMs: 311, at: ago(191_689), resource: 'ospf:gre0', step: 'ip ospf cost 10 on gre0', outcome: 'ok', durationMs: 45 },
        {
          offsetMs: 3012,
          at: ago(188_988),
          resource: 'ovh:192.0.2.10/32',
          step: 'bind 192.0.2.10/32 to 02:00:00:ff:3e:98',
          outcome: 'error',
          durationMs: 120,
          error: { code: 'OVH_RATE_LIMITED', message: 'HTTP 429' },
        },
      ],
      convergedAfterMs: null,
    },
  ];
}
