// What the engine remembers about each resource between runs: last observation, errors and
// backoff. Kept by resource id so a config reload can carry it over to a new instance.
import type { ErrorSummary } from '../errors.js';
import type { AnyResource, KindStatus, Mastership } from '../resources/resource.js';
import { isoTime, type ResourceStatus } from '../status/model.js';

/** Why the engine is not acting on a resource right now (ResourceStatus.waiting). */
export type WaitingReason =
  /** The role changed less than settle.local_ms / settle.provider_ms ago. */
  | 'settling'
  /** It failed; the next attempt is at nextRetryAt. */
  | 'backoff'
  /** The operator froze the service: observed and reported, not changed. */
  | 'frozen'
  /** It asked to be looked at again later (an OVH task in flight). */
  | 'requeued'
  /** Provider-facing and this node is not MASTER: never written (read only while draining or keeping the path). */
  | 'not master'
  /** Provider-facing: waits for the local lane to converge in this mastership before any write. */
  | 'local lane'
  /** CARP said "not MASTER" right before a provider write; the next run follows the new role. */
  | 'role changed'
  /** The run was aborted (timeout, shutdown) before reaching it. */
  | 'aborted'
  /** CARP could not be read: nothing is converged on a guess. */
  | 'carp unreadable'
  /** Applied without error, but the observation right after still differs. */
  | 'unverified';

/** Mutable per-resource bookkeeping; times are epoch ms. */
export interface ResourceState {
  desired: unknown;
  actual: unknown;
  /** True once observe() answered at least once (actual is meaningful). */
  observed: boolean;
  /** True once observe() was called, even if it failed (readiness must hear about failures). */
  observeAttempted: boolean;
  inSync: boolean | null;
  lastObservedAt: number | null;
  lastChangeAt: number | null;
  lastError: (ErrorSummary & { at: number }) | null;
  attempts: number;
  nextRetryAt: number | null;
  /** A resource asked to be looked at again then (ApplyResult.requeueAfterMs). */
  requeueAt: number | null;
  waiting: WaitingReason | null;
  /** What the resource's plan said it waits for (an OVH task, a re-claim hold), else null. */
  waitingFor: string | null;
  errorCounts: Record<string, number>;
}

/** The state of a resource never seen before. */
export function freshState(): ResourceState {
  return {
    desired: null,
    actual: null,
    observed: false,
    observeAttempted: false,
    inSync: null,
    lastObservedAt: null,
    lastChangeAt: null,
    lastError: null,
    attempts: 0,
    nextRetryAt: null,
    requeueAt: null,
    waiting: null,
    waitingFor: null,
    errorCounts: {},
  };
}

/** Forgets failures and their retry delay: a new role deserves a prompt first attempt. */
export function resetBackoff(state: ResourceState): void {
  state.attempts = 0;
  state.nextRetryAt = null;
}

/** The status-socket view of one resource; `detail` is its kind's typed status. */
export function resourceStatus(resource: AnyResource, state: ResourceState, mastership: Mastership): ResourceStatus {
  let detail: KindStatus | null = null;
  let detailError: string | null = null;
  try {
    detail = resource.status(mastership);
  } catch (error) {
    // A broken status() must not break `status` for every other resource.
    detailError = error instanceof Error ? error.message : String(error);
  }
  return {
    id: resource.id,
    kind: resource.kind,
    desired: state.desired ?? null,
    actual: state.observed ? state.actual : null,
    inSync: state.inSync,
    lastObservedAt: isoTime(state.lastObservedAt),
    lastChangeAt: isoTime(state.lastChangeAt),
    lastError: state.lastError ? { ...state.lastError, at: isoTime(state.lastError.at) } : null,
    attempts: state.attempts,
    nextRetryAt: isoTime(state.nextRetryAt),
    waiting: state.waiting,
    waitingFor: state.waitingFor,
    errorCounts: { ...state.errorCounts },
    detail,
    detailError,
  };
}
