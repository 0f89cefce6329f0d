// Per-mastership memory of our claims: when we last claimed, whether the binding was confirmed
// ours, and the re-claim backoff when someone keeps moving it away (split brain: `contested`).
// A new mastership starts with a clean gate: a fresh MASTER claims at once.

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
}
