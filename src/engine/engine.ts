// The reconcile engine: CARP state → desired state of every resource, converged in two lanes
// (lane-runner.ts): local (local-lane.ts: CARP, GRE, OSPF, the vMAC carrier) never waits on the
// network; provider (provider-lane.ts: OVH) runs beside it, aborted when the role changes.
// converge.ts converges one resource; demotion-policy.ts holds boot/drain/readiness.
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import { CarpFailoverError } from '../errors.js';
import type { OperatorFlags } from '../model.js';
import type { AnyResource, ReadinessHold } from '../resources/resource.js';
import type { Timeline } from '../status/model.js';
import { restartedWhileLeading } from './boot.js';
import { DemotionPolicy } from './demotion-policy.js';
import { freshMemory, type EngineMemory, type Transition } from './engine-memory.js';
import { earliest, ElectionHook } from './election-hook.js';
import type { EngineDeps } from './engine-deps.js';
import { buildEngineStatus, ENGINE_COUNTERS, type EngineStatus } from './engine-status.js';
import { LaneRunner, type ReconcileResult } from './lane-runner.js';
import type { RunOutcome } from './lane-run.js';
import { closeAll } from './lifecycle.js';
import { runLocalLane, type LocalOutcome } from './local-lane.js';
import { runProviderLane } from './provider-lane.js';
import { collectReadinessHolds } from './readiness.js';
import { RunRecord, type FinishedRun } from './run-record.js';

export type { EngineStatus } from './engine-status.js';
export type { ReconcileResult } from './lane-runner.js';
export type { EngineDeps } from './engine-deps.js';

/** Longest stop() waits for the run in flight before aborting it. */
const STOP_GRACE_MS = 10_000;

/** Two single-writer, level-triggered lanes (controller-runtime semantics, see run-queue.ts). */
export class Engine {
  private readonly memory: EngineMemory;
  private readonly local: LaneRunner<LocalOutcome>;
  private readonly provider: LaneRunner<RunOutcome>;
  private readonly policy: DemotionPolicy;
  private readonly election: ElectionHook;
  private readonly log: Logger;
  private readonly random: () => number;
  private flagsNow: OperatorFlags = { drain: false, freeze: false };
  private holds: ReadinessHold[] = [];
  private readonly record: RunRecord;
  private stopTicker: (() => void) | null = null;
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
    this.memory = freshMemory(deps.config, deps.resources, this.startedAt, counters);
    this.record = new RunRecord(this.memory, deps.clock, deps.journal);
    this.policy = new DemotionPolicy(deps.demotion, deps.clock, this.log, () => this.increment('demotionErrors'));
    this.election = new ElectionHook(deps.election, this.policy, this.log);
    const lane = { clock: deps.clock, log: this.log, timeoutMs: () => this.memory.config.reconcile.timeout_ms, failed: () => ({ ok: false, converged: false, wakeAt: null, rerun: false, carpRead: false, transition: null }) };
    this.local = new LaneRunner<LocalOutcome>({
      ...lane,
      lane: 'local',
      job: (reconcileId, log, controller) => this.runLocal(reconcileId, log, controller),
      after: (outcome, run) => this.afterLocal(outcome, run),
      extraWake: () => earliest(this.policy.bootReleaseDeadline, this.election.wakeAt),
    });
    this.provider = new LaneRunner<RunOutcome>({
      ...lane,
      lane: 'provider',
      job: (reconcileId, log, controller) => {
        this.increment('providerRuns');
        const ports = { ...this.ports(), requestLocal: (reason: string) => this.requestReconcile(reason) };
        return runProviderLane(this.memory, ports, this.flagsNow, { reconcileId, log, controller });
      },
      after: (outcome, run) => this.afterProvider(outcome, run),
    });
  }

  /** Boot hold-down first, then drain, then the first run, then the periodic resync. */
  async start(): Promise<void> {
    if (this.started) throw new CarpFailoverError('INTERNAL', 'engine already started');
    this.started = true;
    this.startedAt = this.heartbeatAt = this.deps.clock.now();
    // Before the first converge: a rebooted router must not lead before it can serve. A service
    // restart on the MASTER (same boot) skips it: demoting a working MASTER would only cause a
    // failover and a failback, which is what a restart must never do.
    if (await restartedWhileLeading(this.deps, this.memory.config, this.log)) {
      this.log.warn('restarted while MASTER in the same boot: no boot hold-down, so the restart causes no failover');
      await this.policy.set('boot', 0);
    } else {
      await this.policy.holdBoot(this.memory.config);
    }
    this.flagsNow = this.readFlags();
    // A persisted drain is re-applied before the node can grab MASTER.
    if (this.flagsNow.drain) await this.policy.set('maintenance', this.memory.config.carp.demotion.maintenance);
    this.local.resume();
    this.provider.resume();
    try {
      // The first local run; it asks for the provider lane when it ends (never waited for here).
      await this.local.requestAndWait();
    } catch (error) {
      if (this.stopped) return; // stopped while starting: nothing more to start
      throw error;
    }
    if (this.stopped) return;
    this.startTicker();
  }

  /** Lets the runs in flight finish (bounded), stops timers, closes resources; demotion untouched. */
  async stop(graceMs = Math.min(this.memory.config.reconcile.timeout_ms, STOP_GRACE_MS)): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.stopTicker?.();
    this.stopTicker = null;
    const reason = new CarpFailoverError('ABORTED', 'the service is stopping');
    await Promise.all([this.local.stop(graceMs, reason), this.provider.stop(graceMs, reason)]);
    await closeAll([...this.dropped.splice(0), ...this.memory.resources], this.log);
  }

  /** A hint that something changed (devd line, flag, reload): coalesced into one local run, then the provider lane. */
  requestReconcile(reason: string): void {
    if (this.stopped) return;
    if (this.reasons.size < 16) this.reasons.add(reason);
    this.local.request();
  }

  /** Resolves after a local run and then a provider run that both started after this call. */
  async reconcileNow(): Promise<ReconcileResult> {
    this.reasons.add('requested');
    const local = await this.local.requestAndWait();
    const provider = await this.provider.requestAndWait();
    return { reconcileId: local.reconcileId, ok: local.ok && provider.ok };
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
    if (!this.local.busy && !this.provider.busy) void closeAll(this.dropped.splice(0), this.log);
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
      lastReconcile: this.record.lastReconcile,
      convergence: this.record.convergenceSnapshot,
      journalErrors: this.deps.journal.writeErrors,
      startedAt: this.startedAt,
      heartbeatAt: this.heartbeatAt,
      election: this.election.status(),
    });
  }

  /** `carp-failover release`: ends a fail-back hold, then runs so the share is removed now. */
  async releaseFailback(): Promise<{ released: boolean }> {
    const released = await this.election.release();
    await this.reconcileNow();
    return { released };
  }

  /** The last `limit` failovers from the journal, newest last (the `history` command). */
  history(limit: number): Promise<Timeline[]> {
    return this.deps.journal.history(limit);
  }

  /** Counts something (the daemon counts events and reloads here so status has one set). */
  increment(counter: string, by = 1): void {
    this.memory.counters[counter] = (this.memory.counters[counter] ?? 0) + by;
  }

  private ports() {
    return { clock: this.deps.clock, carp: this.deps.carp, journal: this.deps.journal, random: this.random };
  }

  private runLocal(reconcileId: string, log: Logger, controller: AbortController): Promise<LocalOutcome> {
    const reasons = [...this.reasons];
    this.reasons.clear();
    this.increment('reconciles');
    this.flagsNow = this.readFlags();
    log.debug({ reasons, flags: this.flagsNow }, 'reconcile started');
    const onTransition = (transition: Transition) => this.roleChanged(transition);
    return runLocalLane(this.memory, { ...this.ports(), onTransition }, this.flagsNow, { reconcileId, log, controller });
  }

  /** Provider work belongs to one mastership: the run in flight stops at once, its calls aborted. */
  private roleChanged(transition: Transition): void {
    this.record.transition(transition.at);
    const code = transition.from === 'MASTER' ? 'NOT_MASTER' : 'ABORTED';
    this.provider.abort(new CarpFailoverError(code, `the role changed (${transition.from} → ${transition.to}): provider work of the old role stopped`));
  }

  private async afterLocal(outcome: LocalOutcome, run: FinishedRun): Promise<void> {
    this.holds = collectReadinessHolds(this.memory.resources, this.memory.states, run.log);
    const path = this.election.path();
    const clean = outcome.ok && outcome.converged && this.record.providerOk && path.pending.length === 0;
    await this.policy.afterRun(this.memory.config, { drain: this.flagsNow.drain, readinessHeld: this.holds.length > 0, clean, path: path.demotion });
    await this.election.afterRun(this.memory.config, { role: this.memory.role, carpRead: outcome.carpRead, draining: this.flagsNow.drain });
    await this.policy.refresh();
    this.record.finished('local', outcome, run);
    this.heartbeatAt = this.deps.clock.now();
    if (!this.stopped) this.provider.request();
    await closeAll(this.dropped.splice(0), this.log);
  }

  private async afterProvider(outcome: RunOutcome, run: FinishedRun): Promise<void> {
    this.record.finished('provider', outcome, run);
    this.heartbeatAt = this.deps.clock.now();
    await closeAll(this.dropped.splice(0), this.log);
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

