// Time to converge: from a role transition to the end of the first run after it in which every
// resource with a desired state was in sync. Feeds status, metrics and the journal.
import type { StatusReport } from '../status/model.js';

/** Tracks the open transition and the statistics over all closed ones. */
export class ConvergenceTracker {
  private since: number | null = null;
  private stats: StatusReport['convergence'] = { count: 0, sumMs: 0, lastMs: null };

  /** A transition happened at `at`: the clock starts (again). */
  transition(at: number): void {
    this.since = at;
  }

  /** After a run: the time it took when this run closed an open transition, else null. */
  afterRun(converged: boolean, now: number): number | null {
    if (!converged || this.since === null) return null;
    const afterMs = now - this.since;
    this.since = null;
    this.stats = { count: this.stats.count + 1, sumMs: this.stats.sumMs + afterMs, lastMs: afterMs };
    return afterMs;
  }

  get snapshot(): StatusReport['convergence'] {
    return { ...this.stats };
  }
}
