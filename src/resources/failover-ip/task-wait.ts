// Which pending OVH task holds back a claim, and for how long. An IP task (`move`) and a task we
// started are about our IP: waited for until they end (OVH_TASK_STUCK after task_timeout_s, never
// doubled). A vMAC task on the server (`vmac`) names no IP (dedicated.server.Task has none): it
// may be the peer removing ours, or another IP's vMAC changing. It is waited for only a bounded
// time, then the claim goes ahead (OVH itself refuses a write on an IP whose task is pending); it
// is still followed, so that its end is seen at the next poll.

/** The longest a vMAC task that names no IP holds back a claim (capped by task_timeout_s). */
export const UNATTRIBUTED_TASK_WAIT_MS = 60_000;

/** At most this many unattributed tasks are remembered (their first sighting). */
const REMEMBERED = 32;

/** Remembers when each unattributed task was first seen, so a task found again keeps its age. */
export class TaskWaitPolicy {
  private readonly firstSeen = new Map<number, number>();
  readonly unattributedWaitMs: number;

  constructor(taskTimeoutS: number) {
    this.unattributedWaitMs = Math.min(UNATTRIBUTED_TASK_WAIT_MS, taskTimeoutS * 1000);
  }

  /**
   * Until when the task holds back a claim (epoch ms); null: until it ends. `attributed`: the task
   * is known to be about our IP (ours, an IP task, or the one a lost write may have started).
   */
  blocksUntil(taskId: number, attributed: boolean, now: number): number | null {
    if (attributed) return null;
    let first = this.firstSeen.get(taskId);
    if (first === undefined) {
      first = now;
      this.firstSeen.set(taskId, now);
      if (this.firstSeen.size > REMEMBERED) this.firstSeen.delete(this.firstSeen.keys().next().value!);
    }
    return first + this.unattributedWaitMs;
  }
}
