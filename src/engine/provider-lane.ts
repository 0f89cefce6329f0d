// The provider lane: OVH work, beside the local lane and never in front of it. It acts on the
// mastership the last local run observed; the engine aborts its run in flight when the role
// changes. Safety rules: a write only on a MASTER, only once the local lane converged in the same
// mastership epoch, after the provider settle time, and each write re-reads CARP just before it
// is sent (ConvergeRun.stillMaster). A not-MASTER node only reads, while draining or keeping the
// path, to learn that the binding moved away.
import type { Logger } from 'pino';
import type { OperatorFlags } from '../model.js';
import type { DesiredContext } from '../resources/resource.js';
import { convergeResource } from './converge.js';
import { earliestRequeue, mastershipOf, stateOf, type EngineMemory } from './engine-memory.js';
import { keepPathNow } from './keep-path.js';
import { convergeRun, observeOnly, startOutcome, type RunOutcome, type RunPorts } from './lane-run.js';

/** Runs the provider lane once; never throws. `requestLocal` asks for a local run (keepPath moved). */
export async function runProviderLane(
  memory: EngineMemory,
  ports: RunPorts & { requestLocal(reason: string): void },
  flags: OperatorFlags,
  run: { reconcileId: string; log: Logger; controller: AbortController },
): Promise<RunOutcome> {
  const { clock } = ports;
  const signal = run.controller.signal;
  const outcome = startOutcome();
  const resources = memory.resources.filter((r) => r.lane === 'provider');
  const mastership = mastershipOf(memory);
  const context: DesiredContext = { ...mastership, draining: flags.drain, keepPath: memory.keepPath };
  const converge = convergeRun(memory, ports, { ...run, context, frozen: flags.freeze, outcome });
  const localReady = memory.localConverged !== null && memory.localConverged.epoch === mastership.epoch && memory.localConverged.role === mastership.role;
  // A run woken by its own timer (a task poll, the settle time) acts on the mastership the last
  // local run saw: the kernel confirms it first (one CARP read, in this lane), or the local lane
  // re-observes and this lane waits for it.
  if (mastership.target === 'MASTER' && resources.length > 0) await converge.stillMaster();

  for (const resource of resources) {
    const state = stateOf(memory, resource.id);
    if (signal.aborted) {
      state.waiting = 'aborted';
      outcome.converged = false;
      continue;
    }
    if (mastership.target !== 'MASTER') {
      state.desired = null;
      state.inSync = null;
      state.waiting = 'not master';
      if (flags.drain || memory.keepPath) await observeOnly(resource, state, converge);
      continue;
    }
    if (!localReady && !flags.freeze) {
      // The local lane has not converged in this mastership yet: it asks for this lane when it has.
      // (Frozen, nothing is written anyway: the resource is observed and reported as frozen.)
      state.waiting = 'local lane';
      outcome.converged = false;
      continue;
    }
    const result = await convergeResource(resource, state, converge);
    if (result.failed) outcome.ok = false;
    if (result.relevant && !result.inSync) outcome.converged = false;
  }
  if (signal.aborted) {
    // A role change is not a failure; a timeout is.
    outcome.ok = outcome.ok && (outcome.rerun || memory.epoch !== mastership.epoch || memory.role !== mastership.role);
    outcome.converged = false;
  }
  if (outcome.rerun) {
    // CARP said "not MASTER" just before a write: the local lane re-observes and follows the new
    // role, then asks for this lane again (re-running this lane alone would see the old role).
    outcome.rerun = false;
    ports.requestLocal('CARP re-read before a provider write: no longer MASTER');
  }
  memory.providerConverged = outcome.converged;
  // What the reads just learnt may end (or start) keeping the path: the local lane must follow.
  const keep = keepPathNow(memory, clock.now());
  if (keep.keep !== memory.keepPath) ports.requestLocal(keep.keep ? 'the failover IP still points here' : 'the failover IP left this node');
  if (keep.keep && memory.config.ovh.task_poll_ms > 0) outcome.wake(clock.now() + memory.config.ovh.task_poll_ms);
  const requeue = earliestRequeue(memory, resources, clock.now());
  if (requeue !== null) outcome.wake(requeue);
  return outcome;
}
