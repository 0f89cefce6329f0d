// Per-mastership memory of our claims: when we last claimed, whether the binding was confirmed
// ours, and the re-claim backoff when someone keeps moving it away (split brain: `contested`).
// A new mastership starts with a clean gate: a fresh MASTER claims at once.
import type { Logger } from 'pino';

export interface ClaimGateLimits {
  minIntervalMs: number;
  maxIntervalMs: number;
}

export class ClaimGate {
  /** When this mastership's latest claim started (its first write), null before any. */
  claimAt: number | null = null;
  /** Since when the binding has been seen ours without interruption, null when it is not. */
  confirmedSince: number | null = null;
  contested = false;
  /** The gap the next re-claim after a move-away must respect; doubles while contested. */
  intervalMs: number;
  /** No claim may start before this (move-away backoff, failed task), null: none. */
  private holdUntil: number | null = null;
  /** vMAC: the removal from the old vMAC is done or under way; adding ours finishes this claim. */
  inProgress = false;

  constructor(private readonly limits: ClaimGateLimits) {
    this.intervalMs = limits.minIntervalMs;
  }

  /** A fresh gate for a new mastership, from config.ovh. */
  static forConfig(ovh: { reclaim_min_interval_s: number; reclaim_max_interval_s: number }): ClaimGate {
    return new ClaimGate({ minIntervalMs: ovh.reclaim_min_interval_s * 1000, maxIntervalMs: Math.max(ovh.reclaim_min_interval_s, ovh.reclaim_max_interval_s) * 1000 });
  }

  /** The time before which a new claim must not start, null when it may start now. */
  notBefore(): number | null {
    if (this.inProgress) return null;
    const spacing = this.claimAt === null ? null : this.claimAt + this.limits.minIntervalMs;
    if (spacing === null) return this.holdUntil;
    return this.holdUntil === null ? spacing : Math.max(spacing, this.holdUntil);
  }

  /** Our write started (the first write of a claim, or the add after a vMAC removal). */
  wrote(now: number, finishesClaim: boolean): void {
    if (!this.inProgress) this.claimAt = now;
    this.inProgress = !finishesClaim;
  }

  /** A fresh read says the binding points here. Returns true when `contested` just cleared. */
  seenOurs(now: number): boolean {
    this.inProgress = false;
    if (this.confirmedSince === null) {
      this.confirmedSince = now;
      return false;
    }
    if (this.contested && now - this.confirmedSince >= this.limits.maxIntervalMs) {
      this.contested = false;
      this.intervalMs = this.limits.minIntervalMs;
      this.holdUntil = null;
      return true;
    }
    return false;
  }

  /**
   * A fresh read says the binding points elsewhere. When it had been ours in this mastership and
   * no task in flight explains it, someone moved it: contested; the re-claim waits `intervalMs`
   * after our last claim and the next gap doubles. Returns true on such a move-away.
   */
  seenElsewhere(now: number, taskInFlight: boolean, unbound: boolean, ourTaskJustDone = false): boolean {
    // Bound to someone else (not merely unbound between our removal and our add): a new claim.
    if (!unbound) this.inProgress = false;
    // Our task said done yet the binding is someone else's: taken before we could even confirm it.
    const movedAway = (this.confirmedSince !== null || (ourTaskJustDone && !unbound)) && !taskInFlight;
    this.confirmedSince = null;
    if (!movedAway) return false;
    this.contested = true;
    this.inProgress = false;
    this.holdUntil = Math.max(now, (this.claimAt ?? -Infinity) + this.intervalMs);
    this.intervalMs = Math.min(this.intervalMs * 2, this.limits.maxIntervalMs);
    return true;
  }

  /** Our task failed: do not try again before the current interval, and widen it. */
  failed(now: number): void {
    this.inProgress = false;
    this.holdUntil = now + this.intervalMs;
    this.intervalMs = Math.min(this.intervalMs * 2, this.limits.maxIntervalMs);
  }

  /**
   * A MASTER's fresh read of the binding, said in the logs: ours (contested may clear), or
   * elsewhere (a move-away no task explains is a split brain, said loudly). `explained`: a task we
   * followed may have moved it; `ourTaskJustDone`: this mastership's own task just said done.
   */
  noteRead(now: number, read: { ours: boolean; target: string | null }, explained: boolean, ourTaskJustDone: boolean, log: Logger, ip: string): void {
    if (read.ours) {
      if (this.seenOurs(now)) log.warn({ ip }, 'failover IP stayed here long enough: no longer contested');
    } else if (this.seenElsewhere(now, explained, read.target === null, ourTaskJustDone)) {
      const hold = this.notBefore();
      log.error(
        { ip, target: read.target, contested: true, reclaimAt: hold === null ? null : new Date(hold).toISOString(), nextIntervalMs: this.intervalMs },
        'SPLIT BRAIN? the failover IP was moved away from this MASTER; re-claiming with backoff',
      );
    }
  }
}
