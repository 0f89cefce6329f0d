// What the engine remembers about each resource between runs: last observation, errors and
// backoff. Kept by resource id so a config reload can carry it over to a new instance.
import type { ErrorSummary } from '../errors.js';
import type { AnyResource } from '../resources/resource.js';
import { isoTime, type ResourceStatus } from '../status/model.js';

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
  waiting: string | null;
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
    errorCounts: {},
  };
}

/** Forgets failures and their retry delay: a new role deserves a prompt first attempt. */
export function resetBackoff(state: ResourceState): void {
  state.attempts = 0;
  state.nextRetryAt = null;
}

/** The status-socket view of one resource. */
export function resourceStatus(resource: AnyResource, state: ResourceState): ResourceStatus {
  let extra: Record<string, unknown> = {};
  try {
    extra = resource.extraStatus?.() ?? {};
  } catch (error) {
    // A broken extraStatus must not break `status` for every other resource.
    extra = { extraStatusError: error instanceof Error ? error.message : String(error) };
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
    errorCounts: { ...state.errorCounts },
    extra,
  };
}
