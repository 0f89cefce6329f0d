// The vocabulary shared by the engine, the resources, the status model and the CLI.

/** A vhid's state as FreeBSD's ifconfig prints it (carp_states[] in sys/netinet/ip_carp.c), plus
 *  ABSENT when the configured vhid is not on the interface at all. */
export type CarpState = 'INIT' | 'BACKUP' | 'MASTER' | 'UNKNOWN' | 'ABSENT';

/** One followed vhid as observed. */
export interface VhidState {
  vhid: number;
  interface: string;
  state: CarpState;
  advbase?: number;
  advskew?: number;
}

/**
 * The node's role, derived from every followed vhid: MASTER only when all are MASTER, BACKUP
 * when all are BACKUP, MIXED when they disagree, INIT when any is INIT/UNKNOWN/ABSENT or CARP
 * could not be read. Only MASTER leads; every other role is treated as not-MASTER.
 */
export type NodeRole = 'MASTER' | 'BACKUP' | 'MIXED' | 'INIT';

/** The role resources converge toward: anything that is not MASTER converges as BACKUP. */
export type TargetRole = 'MASTER' | 'BACKUP';

/** Why this service holds a part of net.inet.carp.demotion. */
export type DemotionReason = 'boot' | 'maintenance' | 'readiness' | 'path' | 'failback';

export const DEMOTION_REASONS: readonly DemotionReason[] = ['boot', 'maintenance', 'readiness', 'path', 'failback'];

/** The most this service ever adds to net.inet.carp.demotion for one reason (the config's bound too). */
export const MAX_DEMOTION_CONTRIBUTION = 255;

/** The global CARP sysctls (net.inet.carp.*). */
export interface CarpSysctls {
  demotion: number;
  preempt: boolean;
  allow: boolean;
}

/** Operator switches, persisted as flag files in the state directory (see src/flags/). */
export interface OperatorFlags {
  /** Blue/green drain: maintenance demotion held, the node hands MASTER to its peer. */
  drain: boolean;
  /** Hands off: observe and report, change nothing (provider incident). */
  freeze: boolean;
}
