// This engine's reasons to hold net.inet.carp.demotion: boot (until the first clean run),
// maintenance (while drained), readiness (while a dependency check fails) and path (the weights
// of the path checks that are down; the failback share is set by the engine from src/election/).
// Each is set only when it changes, and a failed write is retried after the next run instead of
// being forgotten.
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import type { Clock } from '../host/ports.js';
import { DEMOTION_REASONS, type DemotionReason } from '../model.js';
import type { Demotion, DemotionSnapshot } from '../host/freebsd/ports.js';

/** Tracks what we asked Demotion for, and when the boot hold-down ends. */
export class DemotionPolicy {
  private readonly applied = new Map<DemotionReason, number>();
  private bootHeld = false;
  private bootDeadline = Number.POSITIVE_INFINITY;
  private last: DemotionSnapshot = { total: null, ours: { boot: 0, maintenance: 0, readiness: 0, path: 0, failback: 0 }, preempt: null, allow: null };

  constructor(
    private readonly demotion: Demotion,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly countError: () => void,
  ) {}

  /** Raises the boot contribution; the hold-down lasts at most boot_holddown_max_s. */
  async holdBoot(config: Config): Promise<void> {
    this.bootHeld = true;
    this.bootDeadline = this.clock.now() + config.carp.boot_holddown_max_s * 1000;
    await this.set('boot', config.carp.demotion.boot);
  }

  /** When the boot hold-down gives up waiting for a clean run (a run is wanted then). */
  get bootReleaseDeadline(): number | null {
    return this.bootHeld ? this.bootDeadline : null;
  }

  get holdingBoot(): boolean {
    return this.bootHeld;
  }

  /** Applies maintenance, readiness and path, and ends the boot hold-down when it may end. */
  async afterRun(config: Config, input: { drain: boolean; readinessHeld: boolean; clean: boolean; path?: number }): Promise<void> {
    await this.set('maintenance', input.drain ? config.carp.demotion.maintenance : 0);
    await this.set('readiness', input.readinessHeld ? config.carp.demotion.readiness : 0);
    await this.set('path', input.path ?? 0);
    if (!this.bootHeld) return;
    if (input.clean && !input.readinessHeld) {
      if (await this.set('boot', 0)) {
        this.bootHeld = false;
        this.log.info('boot hold-down released: first clean reconcile with readiness met');
      }
    } else if (this.clock.now() >= this.bootDeadline) {
      if (await this.set('boot', 0)) {
        this.bootHeld = false;
        this.log.error(
          { maxS: config.carp.boot_holddown_max_s, readinessHeld: input.readinessHeld, clean: input.clean },
          'BOOT HOLD-DOWN RELEASED BY TIMEOUT: resources have not converged cleanly; this node may now take MASTER',
        );
      }
    }
  }

  /** Sets one reason's contribution unless it is already there; false when the write failed. */
  async set(reason: DemotionReason, value: number): Promise<boolean> {
    if (this.applied.get(reason) === value) return true;
    try {
      await this.demotion.set(reason, value);
      this.applied.set(reason, value);
      this.log.info({ reason, value }, 'demotion contribution set');
      return true;
    } catch (error) {
      this.applied.delete(reason); // unknown now: write again next time
      this.countError();
      this.log.error({ err: error, reason, value }, 'cannot set the demotion contribution; will retry after the next run');
      return false;
    }
  }

  /** Refreshes the snapshot shown in status; keeps the previous one when the read fails. */
  async refresh(): Promise<DemotionSnapshot> {
    try {
      this.last = await this.demotion.snapshot();
    } catch (error) {
      this.countError();
      this.log.warn({ err: error }, 'cannot read the demotion counter');
    }
    return this.last;
  }

  get snapshot(): DemotionSnapshot {
    return { ...this.last, ours: { ...this.last.ours } };
  }

  /** The reasons we currently hold, for tests and logs. */
  held(): DemotionReason[] {
    return DEMOTION_REASONS.filter((r) => (this.applied.get(r) ?? 0) > 0);
  }
}
