// How the engine reads CARP and moves the demotion counter. Implemented for FreeBSD in
// src/host/freebsd/ (ifconfig, sysctl through src/host/run.ts), faked in test/fakes/.
import type { CarpSysctls, DemotionReason, VhidState } from '../../model.js';

/** A vhid the config follows. */
export interface FollowedVhid {
  vhid: number;
  interface: string;
}

/** Reads the kernel's CARP state for the followed vhids. */
export interface CarpObserver {
  /** One entry per followed vhid, in config order; ABSENT when the vhid is not configured. */
  observe(followed: readonly FollowedVhid[], signal?: AbortSignal): Promise<VhidState[]>;
}

/** This service's contributions to net.inet.carp.demotion, by reason. */
export interface DemotionSnapshot {
  /** The kernel's total (everyone's), null when it could not be read. */
  total: number | null;
  ours: Record<DemotionReason, number>;
  preempt: boolean | null;
  allow: boolean | null;
  /** Our record was found untrustworthy at start and moved aside (see demotion-store.ts). */
  recordSetAside?: { path: string; reason: string; at: string };
}

/**
 * Owns this service's part of the demotion counter. Contributions are persisted in the state
 * directory so that a restart or kill -9 never applies one twice and never leaks one.
 */
export interface Demotion {
  /** Makes our contribution for the reason equal to value (0 removes it). Idempotent. */
  set(reason: DemotionReason, value: number): Promise<void>;
  snapshot(): Promise<DemotionSnapshot>;
  /** Reads the global sysctls. */
  sysctls(): Promise<CarpSysctls>;
  /**
   * True when this service already ran earlier in the current boot (a restart, not a reboot).
   * Optional: without it every start is treated as a boot.
   */
  restartedInSameBoot?(): Promise<boolean>;
}
