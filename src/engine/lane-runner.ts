// One lane of the engine: a single writer (RunQueue: coalescing, single-flight, one more run when
// asked mid-run) whose runs each get a reconcile id, an AbortSignal and a timeout, and a wake-up
// timer for the time its last run asked to be looked at again. The local and provider lanes are
// two of these, so provider work never sits in front of local work.
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { CarpFailoverError } from '../errors.js';
import type { Clock } from '../host/ports.js';
import type { Lane } from '../resources/resource.js';
import { within } from './lifecycle.js';
import { RunQueue } from './run-queue.js';

/** What one run of a lane reports. */
export interface LaneOutcome {
  ok: boolean;
  /** Earliest time this lane wants to run again (settle, retries, requeues), else null. */
  wakeAt: number | null;
  /** Run again now (the role moved under the run). */
  rerun: boolean;
}

/** The result of one run, as `carp-failover reconcile` reports it. */
export interface ReconcileResult {
  reconcileId: string;
  ok: boolean;
}

export interface LaneOptions<O extends LaneOutcome> {
  lane: Lane;
  clock: Clock;
  log: Logger;
  timeoutMs: () => number;
  /** One run; must not throw (failures are part of the outcome). */
  job: (reconcileId: string, log: Logger, controller: AbortController) => Promise<O>;
  /** Called after each run, before the wake-up is scheduled. */
  after: (outcome: O, run: { reconcileId: string; log: Logger; started: number }) => Promise<void> | void;
  /** An extra time to wake at (the boot hold-down's deadline), else null. */
  extraWake?: () => number | null;
  failed: () => O;
}

const MAX_TIMER_MS = 2_147_483_647;

/** A lane: runs its job one at a time, on request, on its own wake-up timer. */
export class LaneRunner<O extends LaneOutcome> {
  private readonly queue: RunQueue<ReconcileResult>;
  private controller: AbortController | null = null;
  private cancelWake: (() => void) | null = null;
  private stopped = false;

  constructor(private readonly options: LaneOptions<O>) {
    this.queue = new RunQueue(() => this.runOnce(), () => new CarpFailoverError('NOT_RUNNING', 'the engine is stopped'));
  }

  resume(): void {
    this.queue.resume();
  }

  request(): void {
    if (!this.stopped) this.queue.request();
  }

  requestAndWait(): Promise<ReconcileResult> {
    return this.queue.requestAndWait();
  }

  get busy(): boolean {
    return this.queue.busy;
  }

  /** Aborts the run in flight (if any) with `reason`; later runs are unaffected. */
  abort(reason: CarpFailoverError): void {
    this.controller?.abort(reason);
  }

  /** No more runs; waits for the one in flight up to graceMs, then aborts it. */
  async stop(graceMs: number, reason: CarpFailoverError): Promise<void> {
    this.stopped = true;
    this.cancelWake?.();
    this.cancelWake = null;
    this.queue.stop();
    if (!(await within(this.options.clock, this.queue.idle(), graceMs))) {
      this.options.log.warn({ lane: this.options.lane, graceMs }, 'the run in flight did not finish in time; aborting it');
      this.abort(reason);
      await within(this.options.clock, this.queue.idle(), 1000);
    }
  }

  private async runOnce(): Promise<ReconcileResult> {
    const { clock, lane } = this.options;
    const reconcileId = randomBytes(4).toString('hex');
    const log = this.options.log.child({ reconcileId, lane });
    const started = clock.now();
    const controller = (this.controller = new AbortController());
    const timeoutMs = this.options.timeoutMs();
    const cancelTimeout = clock.setTimer(timeoutMs, () =>
      controller.abort(new CarpFailoverError('RECONCILE_TIMEOUT', `reconcile ${reconcileId} (${lane} lane) took longer than ${timeoutMs} ms`, { transient: true })),
    );
    let outcome: O;
    try {
      outcome = await this.options.job(reconcileId, log, controller);
    } catch (error) {
      // A job catches per resource; this is a bug, but a run must never throw.
      log.error({ err: error }, 'reconcile failed unexpectedly');
      outcome = this.options.failed();
    } finally {
      cancelTimeout();
      this.controller = null;
    }
    await this.options.after(outcome, { reconcileId, log, started });
    this.scheduleWake(outcome.wakeAt);
    if (outcome.rerun) this.request();
    return { reconcileId, ok: outcome.ok };
  }

  private scheduleWake(wanted: number | null): void {
    const now = this.options.clock.now();
    const extra = this.options.extraWake?.() ?? null;
    let at = wanted;
    if (extra !== null && extra > now) at = at === null ? extra : Math.min(at, extra);
    this.cancelWake?.();
    this.cancelWake = null;
    if (at === null || this.stopped) return;
    // setTimeout fires at once beyond 2^31-1 ms: clamp, the periodic run comes long before anyway.
    this.cancelWake = this.options.clock.setTimer(Math.min(MAX_TIMER_MS, Math.max(1, at - now)), () => {
      this.cancelWake = null;
      this.request();
    });
  }
}
