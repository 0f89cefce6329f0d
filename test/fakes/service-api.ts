// A ServiceApi double: records every call, counts events and drops the way the daemon's status
// counters do, and answers status/history with plausible data. Tests may override any method.
import { NO_ELECTION_STATUS } from '../../src/engine/election-hook.js';
import type { DevdEvent, DropReason, ServiceApi } from '../../src/control/service-api.js';
import type { OperatorFlags } from '../../src/model.js';
import { STATUS_VERSION, type StatusReport, type Timeline } from '../../src/status/model.js';

export class FakeServiceApi implements ServiceApi {
  readonly events: DevdEvent[] = [];
  readonly drops: Record<string, number> = {};
  readonly calls: string[] = [];
  flags: OperatorFlags = { drain: false, freeze: false };
  timelines: Timeline[] = [];
  reconciles = 0;
  /** Called on every event after it is recorded (e.g. to resolve a waiting test). */
  onEventHook: ((event: DevdEvent) => void) | null = null;
  /** When set, reconcileNow waits for it before answering. */
  reconcileGate: Promise<void> | null = null;
  private readonly startedAt = new Date().toISOString();

  status(): StatusReport {
    this.calls.push('status');
    return makeStatusReport({
      flags: { ...this.flags },
      startedAt: this.startedAt,
      counters: {
        events_received: this.events.length,
        events_dropped: this.totalDrops(),
        reconciles: this.reconciles,
        ...Object.fromEntries(Object.entries(this.drops).map(([reason, n]) => [`dropped_${reason}`, n])),
      },
    });
  }

  async history(limit: number): Promise<Timeline[]> {
    this.calls.push(`history:${limit}`);
    return this.timelines.slice(-limit);
  }

  onEvent(event: DevdEvent): void {
    this.events.push(event);
    this.onEventHook?.(event);
  }

  onDrop(reason: DropReason): void {
    this.drops[reason] = (this.drops[reason] ?? 0) + 1;
  }

  async reconcileNow(): Promise<{ reconcileId: string; ok: boolean }> {
    this.calls.push('reconcile');
    if (this.reconcileGate) await this.reconcileGate;
    this.reconciles++;
    return { reconcileId: `r${this.reconciles}`, ok: true };
  }

  async releaseFailback(): Promise<{ released: boolean; report: StatusReport }> {
    this.calls.push('release');
    return { released: false, report: this.status() };
  }

  async setFlag(flag: 'drain' | 'freeze', on: boolean): Promise<StatusReport> {
    this.calls.push(`${flag}:${on}`);
    this.flags = { ...this.flags, [flag]: on };
    return this.status();
  }

  totalDrops(): number {
    return Object.values(this.drops).reduce((a, b) => a + b, 0);
  }
}

/** A complete StatusReport with quiet defaults; `overrides` replaces top-level fields. */
export function makeStatusReport(overrides: Partial<StatusReport> = {}): StatusReport {
  const now = new Date().toISOString();
  return {
    version: STATUS_VERSION,
    node: 'router-001',
    role: 'BACKUP',
    roleSince: now,
    vhids: [{ vhid: 1, interface: 'vmx0', state: 'BACKUP', advbase: 1, advskew: 100 }],
    demotion: { total: 0, ours: { boot: 0, maintenance: 0, readiness: 0, path: 0, failback: 0 }, preempt: true, allow: true },
    flags: { drain: false, freeze: false },
    drain: null,
    readiness: { ready: true, holds: [] },
    election: NO_ELECTION_STATUS,
    resources: [],
    counters: {},
    lastReconcile: null,
    convergence: { count: 0, sumMs: 0, lastMs: null },
    config: { path: '/usr/local/etc/carp-failover.yaml', loadedAt: now, reloads: 0, reloadFailures: 0 },
    metrics: null,
    startedAt: now,
    heartbeatAt: now,
    pid: process.pid,
    ...overrides,
  };
}
