// What status keeps of the runs of both lanes: the last local run (lastReconcile, whose ok also
// says whether the provider lane's last run failed), error counters, and the time to converge:
// from a transition to the first run after which both lanes are in sync for the new role.
import type { Logger } from 'pino';
import type { Clock } from '../host/ports.js';
import type { Journal } from '../status/journal.js';
import { isoTime, type StatusReport } from '../status/model.js';
import { ConvergenceTracker } from './convergence.js';
import type { EngineMemory } from './engine-memory.js';
import type { RunOutcome } from './lane-run.js';

/** One finished run, as the lane runner describes it. */
export interface FinishedRun {
  reconcileId: string;
  log: Logger;
  started: number;
}

/** Run bookkeeping for status, shared by both lanes. */
export class RunRecord {
  lastReconcile: StatusReport['lastReconcile'] = null;
  /** The provider lane's last run ended without error. */
  providerOk = true;
  private readonly convergence = new ConvergenceTracker();

  constructor(
    private readonly memory: EngineMemory,
    private readonly clock: Clock,
    private readonly journal: Journal,
  ) {}

  get convergenceSnapshot(): StatusReport['convergence'] {
    return this.convergence.snapshot;
  }

  /** A transition happened: the time to converge counts from it. */
  transition(at: number): void {
    this.convergence.transition(at);
  }

  /** After a run of either lane: status, counters, the log line, and convergence. */
  finished(lane: 'local' | 'provider', outcome: RunOutcome, run: FinishedRun): void {
    const { memory } = this;
    const now = this.clock.now();
    if (lane === 'provider') this.providerOk = outcome.ok;
    if (lane === 'local') this.lastReconcile = { id: run.reconcileId, at: isoTime(run.started), durationMs: now - run.started, ok: outcome.ok && this.providerOk };
    else if (this.lastReconcile) this.lastReconcile = { ...this.lastReconcile, ok: this.lastReconcile.ok && outcome.ok };
    if (!outcome.ok) {
      const counter = lane === 'local' ? 'reconcileErrors' : 'providerErrors';
      memory.counters[counter] = (memory.counters[counter] ?? 0) + 1;
    }
    run.log[outcome.ok ? 'debug' : 'warn']({ ok: outcome.ok, converged: outcome.converged, durationMs: now - run.started, role: memory.role }, 'reconcile finished');
    const local = memory.localConverged;
    const localDone = local !== null && local.epoch === memory.epoch && local.role === memory.role;
    const afterMs = this.convergence.afterRun(localDone && memory.providerConverged && outcome.converged, now);
    if (afterMs !== null) {
      this.journal.append({ t: new Date(now).toISOString(), type: 'converged', reconcileId: run.reconcileId, afterMs });
      run.log.info({ afterMs, role: memory.role }, 'converged after the transition');
    }
  }
}
