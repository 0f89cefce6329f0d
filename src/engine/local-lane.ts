// The local lane: observe CARP, derive the role (and the mastership epoch), then converge the
// local resources (GRE, OSPF, the vMAC carrier) in the order of ORDER_BY_ROLE. It never awaits
// network I/O: the provider lane does that beside it, so a BACKUP's tunnel goes down in
// milliseconds even while an OVH call hangs.
import type { Logger } from 'pino';
import { summarizeError } from '../errors.js';
import type { OperatorFlags, VhidState } from '../model.js';
import { ORDER_BY_ROLE, type DesiredContext } from '../resources/resource.js';
import { abortable } from './abortable.js';
import { backoffDelay } from './backoff.js';
import { convergeResource } from './converge.js';
import { earliestRequeue, mastershipOf, noteRole, stateOf, type EngineMemory, type Transition } from './engine-memory.js';
import { keepPathNow } from './keep-path.js';
import { convergeRun, startOutcome, type RunOutcome, type RunPorts } from './lane-run.js';
import { deriveRole } from './role.js';

/** A local run's outcome, with the transition it saw. */
export interface LocalOutcome extends RunOutcome {
  /** CARP was read; false means nothing was converged. */
  carpRead: boolean;
  transition: Transition | null;
}

/** Runs the local lane once; never throws. `onTransition` hears a role change as soon as it is seen. */
export async function runLocalLane(
  memory: EngineMemory,
  ports: RunPorts & { onTransition(transition: Transition): void },
  flags: OperatorFlags,
  run: { reconcileId: string; log: Logger; controller: AbortController },
): Promise<LocalOutcome> {
  const { clock } = ports;
  const { log, controller } = run;
  const signal = controller.signal;
  const outcome = Object.assign(startOutcome(), { carpRead: false, transition: null as Transition | null });
  // A reload may swap config and resources mid-run; this run finishes with what it started with.
  const config = memory.config;
  const resources = memory.resources.filter((r) => r.lane === 'local');
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
    const unknown: VhidState[] = followed.map((f) => ({ vhid: f.vhid, interface: f.interface, state: 'UNKNOWN' }));
    outcome.transition = noteRole(memory, ports.journal, clock.now(), unknown, 'INIT', log);
    if (outcome.transition) ports.onTransition(outcome.transition);
    for (const resource of memory.resources) stateOf(memory, resource.id).waiting = 'carp unreadable';
    outcome.wake(clock.now() + delay);
    return { ...outcome, ok: false, converged: false };
  }
  outcome.carpRead = true;
  outcome.transition = noteRole(memory, ports.journal, clock.now(), vhids, deriveRole(vhids), log);
  if (outcome.transition) ports.onTransition(outcome.transition);

  const mastership = mastershipOf(memory);
  const keep = keepPathNow(memory, clock.now());
  memory.keepPath = keep.keep;
  if (keep.until !== null) outcome.wake(keep.until);
  const context: DesiredContext = { ...mastership, draining: flags.drain, keepPath: keep.keep };
  const converge = convergeRun(memory, ports, { ...run, context, frozen: flags.freeze, outcome });

  const visited = new Set<string>();
  for (const kind of ORDER_BY_ROLE[mastership.target]) {
    for (const resource of resources) {
      if (resource.kind !== kind) continue;
      visited.add(resource.id);
      const state = stateOf(memory, resource.id);
      if (signal.aborted) {
        state.waiting = 'aborted';
        outcome.converged = false;
        continue;
      }
      const result = await convergeResource(resource, state, converge);
      if (result.failed) outcome.ok = false;
      if (result.relevant && !result.inSync) outcome.converged = false;
    }
  }
  for (const resource of resources) {
    if (visited.has(resource.id)) continue;
    // A local kind absent from this role's order: left alone.
    const state = stateOf(memory, resource.id);
    state.desired = null;
    state.inSync = null;
    state.waiting = null;
  }
  if (signal.aborted) {
    outcome.ok = outcome.ok && outcome.rerun; // a role change is not a failure; a timeout is
    outcome.converged = false;
  }
  // The provider lane may write only once this lane converged in the same mastership.
  if (outcome.converged) memory.localConverged = { epoch: mastership.epoch, role: mastership.role };
  const requeue = earliestRequeue(memory, resources, clock.now());
  if (requeue !== null) outcome.wake(requeue);
  return outcome;
}
