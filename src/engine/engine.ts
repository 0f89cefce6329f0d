// The reconcile engine: one writer that turns the kernel's CARP state into the desired state of
// every resource and converges them in order (see reconcile-run.ts for one run, converge.ts for
// one resource, run-queue.ts for coalescing and demotion-policy.ts for boot/drain/readiness).
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import { CarpFailoverError } from '../errors.js';
import type { Clock } from '../host/ports.js';
import type { OperatorFlags } from '../model.js';
import type { CarpObserver, Demotion } from '../host/freebsd/ports.js';
import type { AnyResource, ReadinessHold } from '../resources/resource.js';
import type { Journal } from '../status/journal.js';
import { isoTime, type StatusReport, type Timeline } from '../status/model.js';
import { ConvergenceTracker } from './convergence.js';
import { DemotionPolicy } from './demotion-policy.js';
import { buildEngineStatus, ENGINE_COUNTERS, type EngineStatus } from './engine-status.js';
import { closeAll, within } from './lifecycle.js';
import { collectReadinessHolds } from './readiness.js';
import { reconcileOnce, type EngineMemory, type RunOutcome } from './reconcile-run.js';
import { deriveRole } from './role.js';
import { RunQueue } from './run-queue.js';
import type { Ticker } from './ticker.js';

export type { EngineStatus } from './engine-status.js';

/** Everything the engine needs, injected (built only in the daemon). */
export interface EngineDeps {
  config: Config;
  clock: Clock;
  log: Logger;
  carp: CarpObserver;
  demotion: Demotion;
  resources: AnyResource[];
  journal: Journal;
  flags: () => OperatorFlags;
  ticker: Ticker;
  random?: () => number;
}

/** The result of one run, as `carp-failover reconcile` reports it. */
export interface ReconcileResult {
  reconcileId: string;
  ok: boolean;
}

/** Longest stop() waits for the run in flight before aborting it. */
const STOP_GRACE_MS = 10_000;
const MAX_TIMER_MS = 2_147_483_647;

/** Single-writer, level-triggered reconciler (controller-runtime semantics, see run-queue.ts). */
export class Engine {
  private readonly memory: EngineMemory;
  private readonly queue: RunQueue<ReconcileResult>;
  private readonly policy: DemotionPolicy;
  private readonly log: Logger;
  private readonly random: () => number;
  private flagsNow: OperatorFlags = { drain: false, freeze: false };
  private holds: ReadinessHold[] = [];
  private lastReconcile: StatusReport['lastReconcile'] = null;
  private readonly convergence = new ConvergenceTracker();
  private stopTicker: (() => void) | null = null;
  private cancelWake: (() => void) | null = null;
  private controller: AbortController | null = null;
  private dropped: AnyResource[] = [];
  private reasons = new Set<string>();
  private started = false;
  private stopped = false;
  private startedAt: number;
  private heartbeatAt: number;

  constructor(private readonly deps: EngineDeps) {
    this.log = deps.log.child({ component: 'engine' });
    this.random = deps.random ?? Math.random;
    this.startedAt = this.heartbeatAt = deps.clock.now();
    const counters: Record<string, number> = {};
    for (const name of ENGINE_COUNTERS) counters[name] = 0;
    this.memory = {
      config: deps.config,
      resources: [...deps.resources],
      states: new Map(),
      role: 'INIT',
      roleSince: this.startedAt,
      epoch: 0,
      vhids: deps.config.carp.vhids.map((v) => ({ vhid: v.vhid, interface: v.interface, state: 'UNKNOWN' })),
      carpFailures: 0,
      counters,
    };
    this.policy = new DemotionPolicy(deps.demotion, deps.clock, this.log, () => this.increment('demotionErrors'));
    this.queue = new RunQueue(() => this.runOnce(), () => new CarpFailoverError('NOT_RUNNING', 'the engine is stopped'));
  }

  /** Boot hold-down first, then drain, then the first run, then the periodic resync. */
  async start(): Promise<void> {
    if (this.started) throw new CarpFailoverError('INTERNAL', 'engine already started');
    this.started = true;
    this.startedAt = this.heartbeatAt = this.deps.clock.now();
    // Before the first converge: a rebooted router must not lead before it can serve. A service
    // restart on the MASTER (same boot) skips it: demoting a working MASTER would only cause a
    // failover and a failback, which is what a restart must never do.
    if (await this.restartWhileLeading()) {
      this.log.warn('restarted while MASTER in the same boot: no boot hold-down, so the restart causes no failover');
      await this.policy.set('boot', 0);
    } else {
      await this.policy.holdBoot(this.memory.config);
    }
    this.flagsNow = this.readFlags();
    // A persisted drain is re-applied before the node can grab MASTER.
    if (this.flagsNow.drain) await this.policy.set('maintenance', this.memory.config.carp.demotion.maintenance);
    this.queue.resume();
    try {
      await this.queue.requestAndWait();
    } catch (error) {
      if (this.stopped) return; // stopped while starting: nothing more to start
      throw error;
    }
    if (this.stopped) return;
    this.startTicker();
  }

  /** A restart (not a reboot) of the service on a node that is MASTER right now. */
  private async restartWhileLeading(): Promise<boolean> {
    const { demotion, carp } = this.deps;
    try {
      if (!(await demotion.restartedInSameBoot?.())) return false;
      const vhids = await carp.observe(this.memory.config.carp.vhids, AbortSignal.timeout(this.memory.config.reconcile.timeout_ms));
      return deriveRole(vhids) === 'MASTER';
    } catch (error) {
      this.log.warn({ err: error }, 'cannot tell a restart from a boot: holding the boot demotion');
      return false;
    }
  }

  /** Lets the run in flight finish (bounded), stops timers, closes resources; demotion untouched. */
  async stop(graceMs = Math.min(this.memory.config.reconcile.timeout_ms, STOP_GRACE_MS)): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.stopTicker?.();
    this.stopTicker = null;
    this.cancelWake?.();
    this.cancelWake = null;
    this.queue.stop();
    if (!(await within(this.deps.clock, this.queue.idle(), graceMs))) {
      this.log.warn({ graceMs }, 'the run in flight did not finish in time; aborting it');
      this.controller?.abort(new CarpFailoverError('ABORTED', 'the service is stopping'));
      await within(this.deps.clock, this.queue.idle(), 1000);
    }
    await closeAll([...this.dropped.splice(0), ...this.memory.resources], this.log);
  }

  /** A hint that something changed (devd line, flag, reload): coalesced into one run. */
  requestReconcile(reason: string): void {
    if (this.stopped) return;
    if (this.reasons.size < 16) this.reasons.add(reason);
    this.queue.request();
  }

  /** Resolves after a run that started after this call. */
  reconcileNow(): Promise<ReconcileResult> {
    this.reasons.add('requested');
    return this.queue.requestAndWait();
  }

  /** SIGHUP: new config and resources; unchanged resource ids keep their state, removed ones close. */
  replaceConfig(config: Config, resources: AnyResource[]): void {
    const keep = new Set(resources.map((r) => r.id));
    const old = this.memory.config;
    this.dropped.push(...this.memory.resources.filter((r) => !keep.has(r.id)));
    for (const id of [...this.memory.states.keys()]) if (!keep.has(id)) this.memory.states.delete(id);
    this.memory.config = config;
    this.memory.resources = [...resources];
    this.deps.journal.setLimits(config.journal.max_bytes, config.journal.keep);
    if (this.stopTicker && old.reconcile.period_s !== config.reconcile.period_s) {
      this.stopTicker();
      this.startTicker();
    }
    // A run in flight may still use a dropped resource: it is closed when that run ends.
    if (!this.queue.busy) void closeAll(this.dropped.splice(0), this.log);
    this.requestReconcile('config reloaded');
  }

  /** The engine's part of StatusReport; refreshes the heartbeat. */
  status(): EngineStatus {
    this.heartbeatAt = this.deps.clock.now();
    return buildEngineStatus({
      memory: this.memory,
      demotion: this.policy.snapshot,
      flags: this.flagsNow,
      holds: this.holds,
      bootHeld: this.policy.holdingBoot,
      lastReconcile: this.lastReconcile,
      convergence: this.convergence.snapshot,
      journalErrors: this.deps.journal.writeErrors,
      startedAt: this.startedAt,
      heartbeatAt: this.heartbeatAt,
    });
  }

  /** The last `limit` failovers from the journal, newest last (the `history` command). */
  history(limit: number): Promise<Timeline[]> {
    return this.deps.journal.history(limit);
  }

  /** Counts something (the daemon counts events and reloads here so status has one set). */
  increment(counter: string, by = 1): void {
    this.memory.counters[counter] = (this.memory.counters[counter] ?? 0) + by;
  }

  private async runOnce(): Promise<ReconcileResult> {
    const { clock, config } = { clock: this.deps.clock, config: this.memory.config };
    const reconcileId = randomBytes(4).toString('hex');
    const log = this.log.child({ reconcileId });
    const started = clock.now();
    const reasons = [...this.reasons];
    this.reasons.clear();
    this.increment('reconciles');
    this.flagsNow = this.readFlags();
    log.debug({ reasons, flags: this.flagsNow }, 'reconcile started');
    const controller = (this.controller = new AbortController());
    const cancelTimeout = clock.setTimer(config.reconcile.timeout_ms, () =>
      controller.abort(new CarpFailoverError('RECONCILE_TIMEOUT', `reconcile ${reconcileId} took longer than ${config.reconcile.timeout_ms} ms`, { transient: true })),
    );
    let outcome: RunOutcome;
    try {
      outcome = await reconcileOnce(this.memory, { clock, carp: this.deps.carp, journal: this.deps.journal, random: this.random }, this.flagsNow, reconcileId, log, controller);
    } catch (error) {
      // reconcileOnce catches per resource; this is a bug, but a run must never throw.
      log.error({ err: error }, 'reconcile failed unexpectedly');
      outcome = { ok: false, carpRead: false, transition: null, converged: false, wakeAt: null, rerun: false };
    } finally {
      cancelTimeout();
      this.controller = null;
    }
    await this.afterRun(outcome, reconcileId, log);
    const end = clock.now();
    this.lastReconcile = { id: reconcileId, at: isoTime(started), durationMs: end - started, ok: outcome.ok };
    this.heartbeatAt = end;
    if (!outcome.ok) this.increment('reconcileErrors');
    log[outcome.ok ? 'debug' : 'warn']({ ok: outcome.ok, converged: outcome.converged, durationMs: end - started, role: this.memory.role }, 'reconcile finished');
    this.scheduleWake(outcome.wakeAt);
    if (outcome.rerun && !this.stopped) this.requestReconcile('role changed during a run');
    await closeAll(this.dropped.splice(0), this.log);
    return { reconcileId, ok: outcome.ok };
  }

  private async afterRun(outcome: RunOutcome, reconcileId: string, log: Logger): Promise<void> {
    const { clock } = this.deps;
    if (outcome.transition) this.convergence.transition(outcome.transition.at);
    this.holds = collectReadinessHolds(this.memory.resources, this.memory.states, log);
    await this.policy.afterRun(this.memory.config, { drain: this.flagsNow.drain, readinessHeld: this.holds.length > 0, clean: outcome.ok && outcome.converged });
    await this.policy.refresh();
    const afterMs = this.convergence.afterRun(outcome.converged, clock.now());
    if (afterMs !== null) {
      this.deps.journal.append({ t: new Date(clock.now()).toISOString(), type: 'converged', reconcileId, afterMs });
      log.info({ afterMs, role: this.memory.role }, 'converged after the transition');
    }
  }

  private scheduleWake(at: number | null): void {
    const now = this.deps.clock.now();
    const boot = this.policy.bootReleaseDeadline;
    if (boot !== null && boot > now) at = at === null ? boot : Math.min(at, boot);
    this.cancelWake?.();
    this.cancelWake = null;
    if (at === null || this.stopped) return;
    // setTimeout fires at once beyond 2^31-1 ms: clamp, the periodic run comes long before anyway.
    this.cancelWake = this.deps.clock.setTimer(Math.min(MAX_TIMER_MS, Math.max(1, at - now)), () => {
      this.cancelWake = null;
      this.requestReconcile('scheduled');
    });
  }

  private startTicker(): void {
    this.stopTicker = this.deps.ticker.every(this.memory.config.reconcile.period_s, () => {
      this.heartbeatAt = this.deps.clock.now();
      this.requestReconcile('periodic');
    });
  }

  private readFlags(): OperatorFlags {
    try {
      const flags = this.deps.flags();
      return { drain: flags.drain === true, freeze: flags.freeze === true };
    } catch (error) {
      this.log.error({ err: error }, 'cannot read the operator flags; keeping the last known ones');
      return this.flagsNow;
    }
  }
}
