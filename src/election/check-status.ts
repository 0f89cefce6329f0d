// What status, metrics and the CLI show of the election: each path check and the fail-back hold.
import type { CheckState } from './hysteresis.js';

/** One path check as status shows it. */
export interface PathCheckStatus {
  name: string;
  type: 'icmp' | 'tcp' | 'route';
  /** What it probes: "192.0.2.1 from 192.0.2.10", "198.51.100.7:443", "0.0.0.0/0 (ospf)". */
  target: string;
  state: CheckState;
  /** Consecutive equal results: successes when positive, failures when negative. */
  streak: number;
  fall: number;
  rise: number;
  weight: number;
  /** What this check adds to our `path` demotion now (weight while down, else 0). */
  demotion: number;
  lastResult: { ok: boolean; detail: string; at: string; durationMs: number } | null;
  lastChangeAt: string | null;
  /** A probe is running right now (never more than one per check). */
  probing: boolean;
  probes: number;
  failures: number;
}

/** The fail-back hold as status shows it. */
export interface FailbackStatus {
  mode: 'auto' | 'hold' | 'manual';
  /** idle: nothing held; waiting: held, the node is not ready yet (another reason holds); holding: counting down (hold) or waiting for `release` (manual). */
  state: 'idle' | 'waiting' | 'holding';
  /** Why it was armed ("lost MASTER while path demoted", "restarted after leading"…). */
  reason: string | null;
  since: string | null;
  /** When the node became ready while held (the hold_s countdown starts there). */
  readySince: string | null;
  /** When a `hold` ends; null for manual, idle or not ready yet. */
  until: string | null;
  /** Our failback demotion share now. */
  demotion: number;
}

/** The election's part of the status report. */
export interface ElectionStatus {
  checks: PathCheckStatus[];
  /** Our path demotion: the sum of the weights of the checks that are down (capped at 1000). */
  pathDemotion: number;
  failback: FailbackStatus;
}
