// The status model: one shape for the status socket, `carp-failover status --json`, metrics and
// the drain checks. Timestamps are ISO-8601 strings (UTC); durations are milliseconds.
import type { ElectionStatus } from '../election/check-status.js';
import type { ErrorSummary } from '../errors.js';
import type { DemotionReason, NodeRole, OperatorFlags, VhidState } from '../model.js';
import type { KindStatus, ReadinessHold, ResourceKind } from '../resources/resource.js';

/** Bumped only on an incompatible change of StatusReport. */
export const STATUS_VERSION = 1;

export interface ResourceStatus {
  id: string;
  kind: ResourceKind;
  /** undefined/null when the resource is left alone for the current role. */
  desired: unknown;
  actual: unknown;
  /** null before the first observation. */
  inSync: boolean | null;
  lastObservedAt: string | null;
  lastChangeAt: string | null;
  lastError: (ErrorSummary & { at: string }) | null;
  /** Consecutive failed attempts; 0 once a run converges it. */
  attempts: number;
  nextRetryAt: string | null;
  /** Why the engine is not acting on it right now (settling, frozen, backoff…), or null. */
  waiting: string | null;
  /** What its plan waits for (an OVH task, a re-claim hold), or null. */
  waitingFor: string | null;
  /** Failed converge attempts since start, by error code (for metrics). */
  errorCounts: Record<string, number>;
  /** The kind's typed status (switch on detail.kind); null only when status() failed. */
  detail: KindStatus | null;
  /** Why status() failed, else null. */
  detailError: string | null;
}

export interface DrainCondition {
  name: string;
  met: boolean;
  detail: string;
}

export interface StatusReport {
  version: typeof STATUS_VERSION;
  node: string;
  role: NodeRole;
  roleSince: string;
  vhids: VhidState[];
  demotion: {
    total: number | null;
    ours: Record<DemotionReason, number>;
    preempt: boolean | null;
    allow: boolean | null;
    /** Present when our demotion record was untrustworthy at start: where it was kept aside, and why. */
    recordSetAside?: { path: string; reason: string; at: string };
  };
  flags: OperatorFlags;
  /** Present while draining: each condition of "drained" with its state. */
  drain: { drained: boolean; conditions: DrainCondition[] } | null;
  readiness: { ready: boolean; holds: ReadinessHold[] };
  /** Path checks and the fail-back hold (src/election/). */
  election: ElectionStatus;
  resources: ResourceStatus[];
  counters: Record<string, number>;
  lastReconcile: { id: string; at: string; durationMs: number; ok: boolean } | null;
  /** Time from a role transition to every resource in sync, over the transitions since start. */
  convergence: { count: number; sumMs: number; lastMs: number | null };
  config: { path: string; loadedAt: string; reloads: number; reloadFailures: number };
  /** The Prometheus listener, null when none is configured. */
  metrics: MetricsListenerStatus | null;
  startedAt: string;
  /** Refreshed on every answer and every engine tick: a reader can tell a stale process. */
  heartbeatAt: string;
  pid: number;
}

/** Whether the metrics listener is bound; when not, why and when it tries again. */
export interface MetricsListenerStatus {
  listen: string;
  listening: boolean;
  lastError: string | null;
  nextRetryAt: string | null;
}

/** ISO-8601 from epoch ms; null stays null. */
export function isoTime(ms: number): string;
export function isoTime(ms: number | null): string | null;
export function isoTime(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

/** One step of a failover as `history` shows it. */
export interface TimelineStep {
  /** Milliseconds since the transition that started the timeline. */
  offsetMs: number;
  at: string;
  resource: string;
  step: string;
  outcome: 'ok' | 'error' | 'skipped';
  durationMs: number;
  error?: { code: string; message: string };
  /** A path check or fail-back event (no change made by us): never counts as a converge step. */
  election?: true;
}

/** A role transition and everything the service did because of it, until the next one. */
export interface Timeline {
  at: string;
  from: NodeRole;
  to: NodeRole;
  vhids: VhidState[];
  steps: TimelineStep[];
  /** Offset of the last ok step when every resource was in sync afterwards, else null. */
  convergedAfterMs: number | null;
}

/** One line of the journal. `t` is ISO-8601 UTC. */
export type JournalEntry =
  | { t: string; type: 'transition'; from: NodeRole; to: NodeRole; vhids: VhidState[] }
  | {
      t: string;
      type: 'step';
      reconcileId: string;
      resource: string;
      step: string;
      outcome: TimelineStep['outcome'];
      durationMs: number;
      error?: { code: string; message: string };
    }
  /** Every resource with a desired state was in sync after the transition that precedes it. */
  | { t: string; type: 'converged'; reconcileId: string; afterMs: number }
  /** A path check's verdict or the fail-back hold changed (src/election/): why the order moved. */
  | { t: string; type: 'election'; subject: string; event: string };
