// One resource within one run: settle and backoff gates, then observe → plan → apply → verify.
// Errors never escape: they become the resource's lastError, a backoff and a journal line, and
// the run goes on with the next resource (a failed GRE must not block OSPF).
import type { Logger } from 'pino';
import { summarizeError, type ErrorSummary } from '../errors.js';
import type { Clock } from '../host/ports.js';
import type { AnyResource, DesiredContext, Mastership, Plan, ResourceContext } from '../resources/resource.js';
import type { Journal } from '../status/journal.js';
import type { Config } from '../config/schema.js';
import { abortable } from './abortable.js';
import { backoffDelay } from './backoff.js';
import type { ResourceState } from './resource-state.js';

/** A resource asking to be looked at again "now" must not spin the engine, nor sleep for ever. */
export const MIN_REQUEUE_MS = 100;
export const MAX_REQUEUE_MS = 3_600_000;

/** What a run shares with each resource it converges. */
export interface ConvergeRun {
  config: Config;
  clock: Clock;
  journal: Journal;
  random: () => number;
  reconcileId: string;
  log: Logger;
  signal: AbortSignal;
  /** What every resource is told: the mastership, the drain flag, keepPath. */
  context: DesiredContext;
  frozen: boolean;
  stillMaster(): Promise<boolean>;
  /** Asks for a run no later than `at` (settle deadline, retry, requeue). */
  wakeAt(at: number): void;
  countError(): void;
}

/** How the resource ended this run. */
export interface ConvergeOutcome {
  /** False when the resource has nothing to do for this role (desired undefined). */
  relevant: boolean;
  /** Observed (or verified) in sync at the end of this run. */
  inSync: boolean;
  failed: boolean;
}

/** The Mastership part of a desired context (what observe, plan and apply are told). */
export function mastershipOf(context: DesiredContext): Mastership {
  return { role: context.role, target: context.target, since: context.since, epoch: context.epoch };
}

/** The context handed to observe() and apply() of one resource in one run. */
export function resourceContext(resource: AnyResource, run: ConvergeRun, log: Logger): ResourceContext {
  return { reconcileId: run.reconcileId, signal: run.signal, log, clock: run.clock, mastership: mastershipOf(run.context), stillMaster: () => run.stillMaster() };
}

/** Converges one resource toward the desired state for run.context, honouring settle times, backoff and freeze. */
export async function convergeResource(resource: AnyResource, state: ResourceState, run: ConvergeRun): Promise<ConvergeOutcome> {
  const now = run.clock.now();
  const log = run.log.child({ resource: resource.id });
  let desired: unknown;
  try {
    desired = resource.desired(run.context);
  } catch (error) {
    fail(resource, state, run, log, error, 'desired');
    return { relevant: true, inSync: false, failed: true };
  }
  const previous = state.desired;
  state.desired = desired ?? null;
  // inSync was judged against the previous desired state (the old role's): until a new
  // observation it says nothing about this one, and the settle/backoff gates below skip observe.
  if (state.inSync === true && !sameDesired(previous, state.desired)) state.inSync = false;
  if (desired === undefined) {
    state.waiting = null;
    state.inSync = null;
    return { relevant: false, inSync: true, failed: false };
  }

  const provider = resource.lane === 'provider';
  // The shared vMAC follows CARP at once, as the CARP address itself does: CARP's own master-down
  // timer already debounced the change, and every settle millisecond is outage on the failover IP.
  const settleMs = provider ? run.config.settle.provider_ms : resource.kind === 'vmac' ? 0 : run.config.settle.local_ms;
  const since = run.context.since;
  // Provider writes are slow and public: only a MASTER that has stayed MASTER may make them.
  if (provider && run.context.role !== 'MASTER') {
    state.waiting = 'not master';
    return { relevant: true, inSync: false, failed: false };
  }
  if (now - since < settleMs) {
    state.waiting = 'settling';
    run.wakeAt(since + settleMs);
    return { relevant: true, inSync: false, failed: false };
  }
  if (state.nextRetryAt !== null && state.nextRetryAt > now) {
    state.waiting = 'backoff';
    run.wakeAt(state.nextRetryAt);
    return { relevant: true, inSync: state.inSync === true, failed: false };
  }

  const ctx = resourceContext(resource, run, log);
  let stage = 'observe';
  try {
    const plan = await observeAndPlan(resource, state, desired, ctx, run);
    if (plan.kind === 'wait') {
      // Someone else has to act first (an OVH task, a re-claim hold): look again then, no penalty.
      requeue(state, run, plan.requeueAfterMs, plan.reason);
      return { relevant: true, inSync: false, failed: false };
    }
    if (plan.kind === 'blocked') {
      stage = 'plan';
      throw plan.error;
    }
    const steps = plan.steps;
    if (steps.length === 0) {
      succeed(state);
      return { relevant: true, inSync: true, failed: false };
    }
    if (run.frozen) {
      // Hands off: the operator froze us; report the difference, change nothing.
      state.waiting = 'frozen';
      return { relevant: true, inSync: false, failed: false };
    }
    let requeueMs: number | null = null;
    for (const step of steps) {
      stage = 'apply'; // until describe() names the step (it may throw too)
      stage = resource.describe(step);
      const result = await applyStep(resource, step, ctx, run, log);
      state.lastChangeAt = run.clock.now();
      const after = result?.requeueAfterMs;
      if (typeof after === 'number' && !Number.isNaN(after)) {
        const bounded = Math.min(MAX_REQUEUE_MS, Math.max(MIN_REQUEUE_MS, after));
        requeueMs = Math.min(requeueMs ?? bounded, bounded);
      }
    }
    if (requeueMs !== null) {
      // The resource is waiting on someone else (the task it started): look again then.
      requeue(state, run, requeueMs, null);
      return { relevant: true, inSync: false, failed: false };
    }
    // Verify: status and convergence stats report what the world says, not what we hoped.
    stage = 'verify';
    const after = await observeAndPlan(resource, state, desired, ctx, run);
    const verified = after.kind === 'steps' && after.steps.length === 0;
    succeed(state);
    if (!verified) state.waiting = 'unverified';
    return { relevant: true, inSync: verified, failed: false };
  } catch (error) {
    const summary = summarizeError(error);
    if (summary.code === 'NOT_MASTER') {
      // The role moved under us: not a fault of the resource; the next run converges the new role.
      state.waiting = 'role changed';
      log.info({ stage }, 'stopped: no longer MASTER');
      return { relevant: true, inSync: false, failed: false };
    }
    // Observation failures are journaled (a failover timeline must show them); blocked is not a step.
    if (stage === 'observe' || stage === 'verify') journalStep(run, resource.id, stage, 'error', 0, summary);
    fail(resource, state, run, log, error, stage);
    return { relevant: true, inSync: false, failed: true };
  }
}

/** Desired states are JSON-safe (the status socket shows them as is): compare them as JSON. */
function sameDesired(a: unknown, b: unknown): boolean {
  try {
    return JSON.stringify(a) === JSON.stringify(b);
  } catch {
    return false;
  }
}

async function observeAndPlan(resource: AnyResource, state: ResourceState, desired: unknown, ctx: ResourceContext, run: ConvergeRun): Promise<Plan<unknown>> {
  state.observeAttempted = true;
  const actual: unknown = await abortable(resource.observe(ctx), run.signal);
  state.actual = actual;
  state.observed = true;
  state.lastObservedAt = run.clock.now();
  const plan = resource.plan(desired, actual, ctx.mastership) as Plan<unknown>;
  state.inSync = plan.kind === 'steps' && plan.steps.length === 0;
  state.waitingFor = plan.kind === 'wait' ? plan.reason : null;
  return plan;
}

/** Looks at the resource again after `ms` (bounded), with no retry penalty: it is not failing. */
function requeue(state: ResourceState, run: ConvergeRun, ms: number, reason: string | null): void {
  const bounded = Number.isNaN(ms) ? MIN_REQUEUE_MS : Math.min(MAX_REQUEUE_MS, Math.max(MIN_REQUEUE_MS, ms));
  state.requeueAt = run.clock.now() + bounded;
  run.wakeAt(state.requeueAt);
  state.attempts = 0;
  state.nextRetryAt = null;
  state.inSync = false;
  state.waiting = 'requeued';
  state.waitingFor = reason;
}

async function applyStep(resource: AnyResource, step: unknown, ctx: ResourceContext, run: ConvergeRun, log: Logger) {
  const name = resource.describe(step);
  const started = run.clock.now();
  try {
    const result = await abortable(resource.apply(step, ctx), run.signal);
    const durationMs = run.clock.now() - started;
    journalStep(run, resource.id, name, 'ok', durationMs);
    log.info({ step: name, durationMs }, 'applied');
    return result;
  } catch (error) {
    const summary = summarizeError(error);
    journalStep(run, resource.id, name, summary.code === 'NOT_MASTER' ? 'skipped' : 'error', run.clock.now() - started, summary);
    throw error;
  }
}

function journalStep(run: ConvergeRun, resource: string, step: string, outcome: 'ok' | 'error' | 'skipped', durationMs: number, error?: ErrorSummary): void {
  run.journal.append({
    t: new Date(run.clock.now()).toISOString(),
    type: 'step',
    reconcileId: run.reconcileId,
    resource,
    step,
    outcome,
    durationMs,
    ...(error ? { error: { code: error.code, message: error.message } } : {}),
  });
}

function succeed(state: ResourceState): void {
  state.attempts = 0;
  state.nextRetryAt = null;
  state.waiting = null;
  if (state.inSync) state.lastError = null;
}

function fail(resource: AnyResource, state: ResourceState, run: ConvergeRun, log: Logger, error: unknown, stage: string): void {
  const summary = summarizeError(error);
  const now = run.clock.now();
  state.attempts++;
  state.lastError = { ...summary, at: now };
  state.errorCounts[summary.code] = (state.errorCounts[summary.code] ?? 0) + 1;
  const delay = backoffDelay(run.config.reconcile.backoff, state.attempts, run.random);
  state.nextRetryAt = now + delay;
  state.inSync = false;
  state.waiting = 'backoff';
  run.wakeAt(state.nextRetryAt);
  run.countError();
  log.warn({ err: error, code: summary.code, details: summary.details, stage, kind: resource.kind, attempts: state.attempts, retryInMs: delay }, 'converge failed; will retry');
}
