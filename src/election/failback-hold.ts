// The fail-back hold with its memory: decides after each run (failback.ts), persists every
// change before the engine acts on it, and answers `release`. An unreadable record fails
// closed: the node holds (it waits hold_s or a release) rather than fail back unasked.
import type { Logger } from 'pino';
import type { FailbackConfig } from '../config/schema-election.js';
import type { Clock } from '../host/ports.js';
import { isoTime } from '../status/model.js';
import type { FailbackStatus } from './check-status.js';
import { decideFailback, NO_FAILBACK, type FailbackEvent, type FailbackInput, type FailbackRecord } from './failback.js';
import type { LoadedFailback } from './failback-store.js';

/** Where the record lives: FailbackStore (failback.json) in the daemon, memory in engine tests. */
export interface FailbackRecordStore {
  readonly path: string;
  load(): Promise<LoadedFailback>;
  save(record: FailbackRecord): Promise<void>;
  /** Keeps an unreadable record for the operator before it is replaced. */
  setAside?(): Promise<string>;
}

export type FailbackRunInput = Omit<FailbackInput, 'mode' | 'holdMs' | 'now'>;

export interface FailbackHoldOptions {
  store: FailbackRecordStore;
  clock: Clock;
  log: Logger;
  config: () => FailbackConfig;
  /** Each event, for the journal. */
  onEvent: (event: FailbackEvent, at: number) => void;
}

/** The node's fail-back hold. */
export class FailbackHold {
  private record: FailbackRecord = NO_FAILBACK;
  private saved = JSON.stringify(NO_FAILBACK);
  private wakeAt: number | null = null;
  private loaded = false;

  constructor(private readonly options: FailbackHoldOptions) {}

  /** Reads the persisted record once, before the first run. */
  async load(): Promise<void> {
    if (this.loaded) return;
    const found = await this.options.store.load();
    this.loaded = true;
    if (found.kind === 'record') this.record = found.record;
    if (found.kind === 'unreadable') {
      const aside = await this.options.store.setAside?.().catch(() => null);
      this.options.log.error({ path: this.options.store.path, keptAs: aside, why: found.why }, 'cannot read the fail-back record: holding (fail closed) until hold_s passes or `carp-failover release`');
      this.record = { version: 1, leader: false, hold: { since: this.options.clock.now(), reason: `${found.why} (${this.options.store.path})`, readySince: null } };
    }
    this.saved = JSON.stringify(found.kind === 'record' ? found.record : NO_FAILBACK);
  }

  /** After each run that read CARP: whether to hold the failback share, and when to look again. */
  async afterRun(input: FailbackRunInput): Promise<{ held: boolean; wakeAt: number | null }> {
    await this.load();
    const config = this.options.config();
    const now = this.options.clock.now();
    const decision = decideFailback(this.record, { ...input, mode: config.mode, holdMs: config.hold_s * 1000, now });
    await this.commit(decision.record, decision.events, now);
    this.wakeAt = decision.wakeAt;
    return { held: decision.held, wakeAt: decision.wakeAt };
  }

  /** `carp-failover release`: ends the hold now; false when nothing was held. */
  async release(): Promise<boolean> {
    await this.load();
    if (this.record.hold === null) return false;
    await this.commit({ ...this.record, hold: null }, [{ type: 'released', reason: 'released by the operator (carp-failover release)' }], this.options.clock.now());
    this.wakeAt = null;
    return true;
  }

  /** The hold as status shows it; demotion is the share applied while held. */
  status(demotion: number): FailbackStatus {
    const config = this.options.config();
    const hold = this.record.hold;
    if (hold === null) return { mode: config.mode, state: 'idle', reason: null, since: null, readySince: null, until: null, demotion: 0 };
    return {
      mode: config.mode,
      state: hold.readySince === null ? 'waiting' : 'holding',
      reason: hold.reason,
      since: isoTime(hold.since),
      readySince: isoTime(hold.readySince),
      until: config.mode === 'hold' && hold.readySince !== null ? isoTime(hold.readySince + config.hold_s * 1000) : null,
      demotion,
    };
  }

  /** When the running hold ends (hold mode, ready), else null. */
  get endsAt(): number | null {
    return this.wakeAt;
  }

  // Persists first: a crash right after must find the hold the engine is about to apply.
  private async commit(record: FailbackRecord, events: FailbackEvent[], at: number): Promise<void> {
    const text = JSON.stringify(record);
    // In auto mode with nothing held there is nothing a restart could lose: no disk write.
    const nothingToKeep = this.options.config().mode === 'auto' && record.hold === null && JSON.parse(this.saved).hold === null;
    if (text !== this.saved && !nothingToKeep) {
      await this.options.store.save(record);
      this.saved = text;
    }
    this.record = record;
    for (const event of events) {
      this.options.log[event.type === 'armed' ? 'warn' : 'info']({ failback: event.type, reason: event.reason }, `fail-back ${event.type}`);
      this.options.onEvent(event, at);
    }
  }
}
