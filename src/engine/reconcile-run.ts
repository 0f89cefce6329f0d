// One reconcile run: observe CARP, derive the role, then converge every resource in the order
// of ORDER_BY_ROLE for the target role, one at a time.
//
// A role change during a run: events that arrive meanwhile only mark the queue (RunQueue), so
// the run finishes and exactly one more run follows with the fresh role. That is safe because
// resources never block for long (the OVH resource returns requeueAfterMs instead of polling its
// task inside apply) and because every provider write is preceded by ctx.stillMaster(): when
// that re-read says we are no longer MASTER, the run's signal is aborted (NOT_MASTER), the rest
// of the run is skipped, and a new run is requested at once to converge the new role.
import type { Logger } from 'pino';
import { CarpFailoverError, summarizeError } from '../errors.js';
import type { Clock } from '../host/ports.js';
import type { NodeRole, OperatorFlags, VhidState } from '../model.js';
import type { CarpObserver } from '../host/freebsd/ports.js';
import { ORDER_BY_ROLE, type AnyResource, type DesiredContext } from '../resources/resource.js';
import type { Journal } from '../status/journal.js';
import type { Config } from '../config/schema.js';
import { abortable } from './abortable.js';
import { backoffDelay } from './backoff.js';
import { convergeResource, resourceContext, type ConvergeRun } from './converge.js';
import { freshState, resetBackoff, type ResourceState } from './resource-state.js';
import { deriveRole, targetRole } from './role.js';

/** The engine's memory that a run reads and updates. */
export interface EngineMemory {
  config: Config;
  resources: AnyResource[];
  states: Map<string, ResourceState>;
  role: NodeRole;
  roleSince: number;
  /** Grows by one at each entry into MASTER (0 before the first): the mastership epoch. */
  epoch: number;
  vhids: VhidState[];
  /** Consecutive failed CARP reads (backoff for the next try). */
  carpFailures: number;
  counters: Record<string, number>;
}

/** Ports a run uses. */
export interface RunPorts {
  clock: Clock;
  carp: CarpObserver;
  journal: Journal;
  random: () => number;
}

/** What a run leaves for the engine to act on. */
export interface RunOutcome {
  ok: boolean;
  /** CARP was read; false means nothing was converged. */
  carpRead: boolean;
  /** A transition happened at the start of this run (at = its time). */
  transition: { from: NodeRole; to: NodeRole; at: number } | null;
  /** Every resource with a desired state is in sync, none failed, none skipped. */
  converged: boolean;
  /** Earliest time a run is wanted again (settle deadlines, retries, requeues). */
  wakeAt: number | null;
  /** The role moved under the run: run again now. */
  rerun: boolean;
}

/** Runs one reconcile; never throws. */
export async function reconcileOnce(memory: EngineMemory, ports: RunPorts, flags: OperatorFlags, reconcileId: string, log: Logger, controller: AbortController): Promise<RunOutcome> {
  const { clock } = ports;
  const signal = controller.signal;
  const outcome: RunOutcome = { ok: true, carpRead: false, transition: null, converged: true, wakeAt: null, rerun: false };
  const wakeAt = (at: number) => {
    outcome.wakeAt = outcome.wakeAt === null ? at : Math.min(outcome.wakeAt, at);
  };
  // A reload may swap config and resources mid-run; this run finishes with what it started with.
  const config = memory.config;
  const resources = memory.resources;
  const followed = config.carp.vhids;

  let vhids: VhidState[];
  try {
    vhids = await abortable(ports.carp.observe(followed, signal), signal);
    memory.carpFailures = 0;
  } catch (error) {
    // Unreadable CARP: report INIT, but converge nothing: acting as BACKUP on a failed read
    // would take the tunnels of a working MASTER down.
    memory.carpFailures++;
    memory.counters.carpErrors = (memory.counters.carpErrors ?? 0) + 1;
    const delay = backoffDelay(config.reconcile.backoff, memory.carpFailures, ports.random);
    log.error({ err: error, code: summarizeError(error).code, retryInMs: delay }, 'cannot read CARP state; nothing converged');
    outcome.transition = noteRole(memory, ports, followed.map((f) => ({ vhid: f.vhid, interface: f.interface, state: 'UNKNOWN' })), 'INIT', log);
    for (const resource of resources) stateOf(memory, resource.id).waiting = 'carp unreadable';
    wakeAt(clock.now() + delay);
    return { ...outcome, ok: false, converged: false };
  }
  outcome.carpRead = true;
  const role = deriveRole(vhids);
  outcome.transition = noteRole(memory, ports, vhids, role, log);
  const target = targetRole(role);
  const context: DesiredContext = { role, target, since: memory.roleSince, epoch: memory.epoch, draining: flags.drain, keepPath: false };

  const run: ConvergeRun = {
    config,
    clock,
    journal: ports.journal,
    random: ports.random,
    reconcileId,
    log,
    signal,
    context,
    frozen: flags.freeze,
    wakeAt,
    countError: () => {
      memory.counters.convergeErrors = (memory.counters.convergeErrors ?? 0) + 1;
      outcome.ok = false;
    },
    stillMaster: async () => {
      try {
        const now = deriveRole(await ports.carp.observe(followed, signal)) === 'MASTER';
        if (!now) {
          outcome.rerun = true;
          controller.abort(new CarpFailoverError('NOT_MASTER', 'CARP is no longer MASTER here', { details: { reconcileId } }));
        }
        return now;
      } catch (error) {
        log.warn({ err: error }, 'CARP re-read before a provider write failed; treating as not MASTER');
        outcome.rerun = true;
        return false;
      }
    },
  };

  const visited = new Set<string>();
  for (const kind of ORDER_BY_ROLE[target]) {
    for (const resource of resources) {
      if (resource.kind !== kind) continue;
      visited.add(resource.id);
      const state = stateOf(memory, resource.id);
      if (signal.aborted) {
        state.waiting = 'aborted';
        outcome.converged = false;
        continue;
      }
      const result = await convergeResource(resource, state, run);
      if (result.failed) outcome.ok = false;
      if (result.relevant && !result.inSync) outcome.converged = false;
    }
  }
  // Provider resources converge after the local ones, and only on a MASTER.
  for (const resource of resources) {
    if (visited.has(resource.id) || resource.lane !== 'provider') continue;
    visited.add(resource.id);
    const state = stateOf(memory, resource.id);
    if (target === 'MASTER') {
      if (signal.aborted) {
        state.waiting = 'aborted';
        outcome.converged = false;
        continue;
      }
      const result = await convergeResource(resource, state, run);
      if (result.failed) outcome.ok = false;
      if (result.relevant && !result.inSync) outcome.converged = false;
      continue;
    }
    state.desired = null;
    state.inSync = null;
    state.waiting = 'not master';
    if (flags.drain) await observeOnly(resource, state, run);
  }
  for (const resource of resources) {
    if (visited.has(resource.id)) continue;
    // A kind absent from this role's order: left alone.
    const state = stateOf(memory, resource.id);
    state.desired = null;
    state.inSync = null;
    state.waiting = null;
  }
  if (signal.aborted) {
    outcome.ok = outcome.ok && outcome.rerun; // a role change is not a failure; a timeout is
    outcome.converged = false;
  }
  for (const state of memory.states.values()) {
    if (state.requeueAt !== null) {
      if (state.requeueAt > clock.now()) wakeAt(state.requeueAt);
      else state.requeueAt = null;
    }
  }
  return outcome;
}

/**
 * While draining, a not-MASTER node still reads (never writes) the provider's binding, so that
 * "drained" can confirm the failover IP followed the peer. The resource's own cache keeps this
 * within the provider's rate limits.
 */
async function observeOnly(resource: AnyResource, state: ResourceState, run: ConvergeRun): Promise<void> {
  if (run.signal.aborted) return;
  state.observeAttempted = true;
  try {
    state.actual = await abortable(resource.observe(resourceContext(resource, run, run.log.child({ resource: resource.id }))), run.signal);
    state.observed = true;
    state.lastObservedAt = run.clock.now();
  } catch (error) {
    run.log.warn({ err: error, resource: resource.id }, 'read-only observation while draining failed');
  }
}

function noteRole(memory: EngineMemory, ports: RunPorts, vhids: VhidState[], role: NodeRole, log: Logger): RunOutcome['transition'] {
  memory.vhids = vhids;
  if (role === memory.role) return null;
  const from = memory.role;
  const at = ports.clock.now();
  memory.role = role;
  memory.roleSince = at;
  if (role === 'MASTER') memory.epoch++;
  memory.counters.transitions = (memory.counters.transitions ?? 0) + 1;
  // A new role deserves prompt first attempts, not the delays earned under the old one.
  for (const state of memory.states.values()) resetBackoff(state);
  ports.journal.append({ t: new Date(at).toISOString(), type: 'transition', from, to: role, vhids });
  log.warn({ from, to: role, vhids }, `role ${from} → ${role}`);
  return { from, to: role, at };
}

function stateOf(memory: EngineMemory, id: string): ResourceState {
  let state = memory.states.get(id);
  if (!state) memory.states.set(id, (state = freshState()));
  return state;
}
