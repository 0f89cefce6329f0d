// Retry delays for a failing resource: exponential so a broken dependency is not hammered,
// jittered so two routers (or many resources) do not retry in lock-step.
import type { Config } from '../config/schema.js';

/** The backoff section of the config. */
export type BackoffConfig = Config['reconcile']['backoff'];

/**
 * The delay before retry number `attempts` (1 = the first failure): initial·factor^(attempts-1),
 * spread by ±jitter, capped at max_ms. `random` is injectable so tests can pin the jitter.
 */
export function backoffDelay(config: BackoffConfig, attempts: number, random: () => number = Math.random): number {
  const n = Math.max(1, Math.floor(attempts));
  // Grow in log space first so a large attempt count cannot overflow to Infinity.
  const base = Math.min(config.max_ms, config.initial_ms * Math.pow(config.factor, Math.min(n - 1, 1000)));
  const spread = 1 + config.jitter * (2 * clamp01(random()) - 1);
  return Math.round(Math.min(config.max_ms, Math.max(1, base * spread)));
}

function clamp01(value: number): number {
  if (!Number.isFinite(value)) return 0.5;
  return Math.min(1, Math.max(0, value));
}
