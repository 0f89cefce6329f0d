// The election's face to the engine: path verdicts read without waiting, and the fail-back
// decision after each run. The engine stays a reconciler; this module owns the two reasons it
// adds to our demotion (path, failback) and what status, metrics and history say of them.
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import type { Clock } from '../host/ports.js';
import type { NodeRole } from '../model.js';
import type { Journal } from '../status/journal.js';
import type { ElectionStatus } from './check-status.js';
import type { FailbackEvent } from './failback.js';
import { FailbackHold, type FailbackRecordStore, type FailbackRunInput } from './failback-hold.js';
import { FailbackStore } from './failback-store.js';
import { PathChecks, type CheckChange } from './path-checks.js';
import type { Probe } from './probe.js';
import type { PathCheckConfig } from '../config/schema-election.js';

/** What the engine asks of the election (fakes implement it in tests). */
export interface ElectionPort {
  /** Our path demotion now, and the checks without a verdict yet (the boot hold waits for them). */
  path(): { demotion: number; pending: string[] };
  /** After the other reasons are set, on a run that read CARP: hold the failback share? */
  failback(input: FailbackRunInput): Promise<{ held: boolean; wakeAt: number | null }>;
  /** `carp-failover release`. */
  release(): Promise<boolean>;
  status(failbackDemotion: number): ElectionStatus;
}

export interface ElectionOptions {
  config: () => Config;
  clock: Clock;
  log: Logger;
  journal: Journal;
  probeFor: (check: PathCheckConfig) => Probe;
  /** The fail-back record's store; failback.json in the state directory by default. */
  store?: FailbackRecordStore;
  /** A verdict or the hold changed: the engine should run (and re-apply the demotion). */
  requestRun: (reason: string) => void;
}

/** Path checks and fail-back hold, wired to the journal and the engine. */
export class Election implements ElectionPort {
  readonly checks: PathChecks;
  private readonly hold: FailbackHold;
  private readonly log: Logger;
  /** The role of the last run that read CARP; null before it (counted as leading). */
  private role: NodeRole | null = null;

  constructor(private readonly options: ElectionOptions) {
    this.log = options.log.child({ component: 'election' });
    this.checks = new PathChecks(
      { clock: options.clock, log: this.log, probeFor: options.probeFor, onChange: (change) => this.onCheckChange(change), leading: () => this.role === null || this.role === 'MASTER' },
      options.config().health.checks,
    );
    this.hold = new FailbackHold({
      store: options.store ?? new FailbackStore(options.config().state_dir),
      clock: options.clock,
      log: this.log,
      config: () => options.config().failback,
      onEvent: (event, at) => this.onFailbackEvent(event, at),
    });
  }

  /** Reads the persisted hold, then starts the checks. */
  async start(): Promise<void> {
    await this.hold.load();
    this.checks.start();
  }

  async stop(): Promise<void> {
    await this.checks.stop();
  }

  /** SIGHUP: checks whose config did not change keep their verdicts. */
  async reload(config: Config): Promise<void> {
    await this.checks.replace(config.health.checks);
  }

  path(): { demotion: number; pending: string[] } {
    return { demotion: this.checks.demotion(), pending: this.checks.pending() };
  }

  async failback(input: FailbackRunInput): Promise<{ held: boolean; wakeAt: number | null }> {
    this.role = input.role;
    return this.hold.afterRun(input);
  }

  async release(): Promise<boolean> {
    const released = await this.hold.release();
    if (released) this.options.requestRun('fail-back released');
    return released;
  }

  status(failbackDemotion: number): ElectionStatus {
    return { checks: this.checks.status(), pathDemotion: this.checks.demotion(), failback: this.hold.status(failbackDemotion) };
  }

  private onCheckChange(change: CheckChange): void {
    this.options.journal.append({ t: new Date(change.at).toISOString(), type: 'election', subject: `path:${change.name}`, event: `${change.from} -> ${change.to}: ${change.detail}` });
    this.options.requestRun(`path check ${change.name} ${change.to}`);
  }

  private onFailbackEvent(event: FailbackEvent, at: number): void {
    this.options.journal.append({ t: new Date(at).toISOString(), type: 'election', subject: 'failback', event: `${event.type}: ${event.reason}` });
  }
}
