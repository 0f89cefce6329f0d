// What both lanes share for one run: the ports, the outcome they fill, and the ConvergeRun that
// convergeResource and observeOnly use (with the CARP re-read provider writes rely on).
import type { Logger } from 'pino';
import { CarpFailoverError } from '../errors.js';
import type { Clock } from '../host/ports.js';
import type { CarpObserver } from '../host/freebsd/ports.js';
import type { AnyResource, DesiredContext } from '../resources/resource.js';
import type { Journal } from '../status/journal.js';
import { abortable } from './abortable.js';
import { resourceContext, type ConvergeRun } from './converge.js';
import type { EngineMemory } from './engine-memory.js';
import type { LaneOutcome } from './lane-runner.js';
import type { ResourceState } from './resource-state.js';
import { deriveRole } from './role.js';

/** Ports a run uses. */
export interface RunPorts {
  clock: Clock;
  carp: CarpObserver;
  journal: Journal;
  random: () => number;
}

/** What a lane's run leaves for the engine to act on. */
export interface RunOutcome extends LaneOutcome {
  /** Every resource of the lane with a desired state is in sync, none failed, none skipped. */
  converged: boolean;
}

/** A fresh outcome: ok and converged until a resource says otherwise. */
export function startOutcome(): RunOutcome & { wake(at: number): void } {
  const outcome = {
    ok: true,
    converged: true,
    wakeAt: null as number | null,
    rerun: false,
    wake(at: number) {
      outcome.wakeAt = outcome.wakeAt === null ? at : Math.min(outcome.wakeAt, at);
    },
  };
  return outcome;
}

/** The ConvergeRun of one lane run. stillMaster() aborts the run when CARP says not MASTER. */
export function convergeRun(memory: EngineMemory, ports: RunPorts, run: { reconcileId: string; log: Logger; controller: AbortController; context: DesiredContext; frozen: boolean; outcome: ReturnType<typeof startOutcome> }): ConvergeRun {
  const { outcome, controller, log } = run;
  const followed = memory.config.carp.vhids;
  return {
    config: memory.config,
    clock: ports.clock,
    journal: ports.journal,
    random: ports.random,
    reconcileId: run.reconcileId,
    log,
    signal: controller.signal,
    context: run.context,
    frozen: run.frozen,
    wakeAt: (at) => outcome.wake(at),
    countError: () => {
      memory.counters.convergeErrors = (memory.counters.convergeErrors ?? 0) + 1;
      outcome.ok = false;
    },
    stillMaster: async () => {
      try {
        const now = deriveRole(await ports.carp.observe(followed, controller.signal)) === 'MASTER';
        if (!now) {
          outcome.rerun = true;
          controller.abort(new CarpFailoverError('NOT_MASTER', 'CARP is no longer MASTER here', { details: { reconcileId: run.reconcileId } }));
        }
        return now;
      } catch (error) {
        log.warn({ err: error }, 'CARP re-read before a provider write failed; treating as not MASTER');
        outcome.rerun = true;
        return false;
      }
    },
  };
}

/**
 * A not-MASTER node reads (never writes) a provider resource: while draining, so that "drained"
 * can confirm the failover IP followed the peer; while keeping the path, to learn when the
 * binding moved away. The resource's own cache keeps this within the provider's rate limits.
 */
export async function observeOnly(resource: AnyResource, state: ResourceState, run: ConvergeRun): Promise<void> {
  if (run.signal.aborted) return;
  state.observeAttempted = true;
  try {
    state.actual = await abortable(resource.observe(resourceContext(resource, run, run.log.child({ resource: resource.id }))), run.signal);
    state.observed = true;
    state.lastObservedAt = run.clock.now();
  } catch (error) {
    run.log.warn({ err: error, resource: resource.id }, 'read-only observation of the provider failed');
  }
}
