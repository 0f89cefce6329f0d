// Where the engine meets the election (src/election/): after the run's other reasons are set, it
// reads the path verdicts (never waiting for a probe) and lets the fail-back decision hold its
// share. Without an election port (tests, old rigs) both reasons stay 0.
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import type { ElectionStatus } from '../election/check-status.js';
import type { ElectionPort } from '../election/election.js';
import type { NodeRole } from '../model.js';
import type { DemotionPolicy } from './demotion-policy.js';

/** The election as the engine sees it: no election, no path or failback demotion. */
export const NO_ELECTION_STATUS: ElectionStatus = {
  checks: [],
  pathDemotion: 0,
  failback: { mode: 'auto', state: 'idle', reason: null, since: null, readySince: null, until: null, demotion: 0 },
};

/** The engine's side of the election: one per engine. */
export class ElectionHook {
  private firstRun = true;
  private wake: number | null = null;

  constructor(
    private readonly election: ElectionPort | undefined,
    private readonly policy: DemotionPolicy,
    private readonly log: Logger,
  ) {}

  /** The path demotion to apply and the checks the boot hold-down still waits for. */
  path(): { demotion: number; pending: string[] } {
    return this.election?.path() ?? { demotion: 0, pending: [] };
  }

  /** After policy.afterRun: the fail-back decision, on runs that read CARP only. */
  async afterRun(config: Config, run: { role: NodeRole; carpRead: boolean; draining: boolean }): Promise<void> {
    if (!this.election || !run.carpRead) return;
    const snapshot = this.policy.snapshot;
    const oursTotal = Object.values(snapshot.ours).reduce((a, b) => a + b, 0);
    try {
      const decision = await this.election.failback({
        role: run.role,
        draining: run.draining,
        otherHeld: this.policy.held().filter((reason) => reason !== 'failback'),
        foreignDemotion: snapshot.total !== null && snapshot.total > oursTotal,
        firstRun: this.firstRun,
      });
      this.firstRun = false;
      this.wake = decision.wakeAt;
      await this.policy.set('failback', decision.held ? config.carp.demotion.failback : 0);
    } catch (error) {
      // Cannot persist the decision: keep the share as it is (a hold stays, none starts).
      this.log.error({ err: error }, 'fail-back decision failed; keeping the failback demotion as it is');
    }
  }

  /** When the running fail-back hold ends, for the engine's wake-up. */
  get wakeAt(): number | null {
    return this.wake;
  }

  async release(): Promise<boolean> {
    return (await this.election?.release()) ?? false;
  }

  status(): ElectionStatus {
    if (!this.election) return NO_ELECTION_STATUS;
    return this.election.status(this.policy.snapshot.ours.failback ?? 0);
  }
}

/** The earlier of two optional deadlines (the boot hold-down's end, a fail-back hold's end). */
export function earliest(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.min(a, b);
}
