// StatusReport builders for tests of what reads status (drain checks, metrics, the drain CLI).
// The defaults describe router-002 drained to BACKUP behind router-003; tests override parts.
import { STATUS_VERSION, type ResourceStatus, type StatusReport } from '../../src/status/model.js';

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
    errorCounts: {},
    extra: {},
    ...overrides,
  };
}

export function ovhExtra(ours: boolean | null, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    binding: ours === null ? null : { target: ours ? '02:00:00:aa:bb:02' : '02:00:00:aa:bb:03', ours },
    taskInFlight: null,
    contested: false,
    lastClaimAt: null,
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
    demotion: { total: 240, ours: { boot: 0, maintenance: 240, readiness: 0 }, preempt: true, allow: true },
    flags: { drain: true, freeze: false },
    drain: null,
    readiness: { ready: true, holds: [] },
    resources: [
      resourceStatus({ id: 'gre:gre0', kind: 'gre', desired: { up: false }, actual: { up: false } }),
      resourceStatus({ id: 'gre:gre1', kind: 'gre', desired: { up: false }, actual: { up: false } }),
      resourceStatus({ id: 'ospf:gre0', kind: 'ospf', desired: { cost: 100 }, actual: { cost: 100 } }),
      resourceStatus({ id: 'ovh:192.0.2.10/32', kind: 'ovh', desired: null, actual: null, inSync: null, extra: ovhExtra(false) }),
    ],
    counters: { transitions: 3, eventsReceived: 17, eventsDropped: 2, reconciles: 40 },
    lastReconcile: { id: 'r1', at: T1, durationMs: 42, ok: true },
    convergence: { count: 3, sumMs: 4500, lastMs: 1200 },
    config: { path: '/usr/local/etc/carp-failover.yaml', loadedAt: T0, reloads: 0, reloadFailures: 0 },
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
