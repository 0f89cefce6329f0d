// Fail-back control, pure: when a router that lost MASTER through a failure may lead again.
// `auto` is CARP's own behaviour (preempt at once). `hold` keeps a failback demotion share until
// the node has been ready — no other reason of ours held — for hold_s; `manual` keeps it until an
// operator runs `carp-failover release`. Each fail-back is a second handover, and with the
// `move` or `vmac` strategies a second OVH task of up to a minute (keepalived's preempt_delay and
// nopreempt, which users find never do what they expect: acassen/keepalived #115, #1290, #2174).
//
// The countdown starts once no other reason of ours holds; path, readiness or maintenance coming
// back starts it over, the boot hold of a service restart only delays its start.
//
// "Through a failure" means one of: we lost MASTER while one of our other reasons held (path,
// readiness, boot), while the kernel counter held more than our share (its own link-down or
// send-error demotion), while a vhid was INIT (link lost) or not all vhids agreed; or we start
// and find we were MASTER when the service last ran (a crash or a reboot). Losing MASTER to a
// better peer that preempts us, or during a drain, is not a failure: nothing is held.
import type { DemotionReason, NodeRole } from '../model.js';

/** The persisted fail-back record (<state_dir>/failback.json). Times are epoch ms. */
export interface FailbackRecord {
  version: 1;
  /** This node was MASTER at the last run that read CARP. */
  leader: boolean;
  hold: { since: number; reason: string; readySince: number | null } | null;
}

export const NO_FAILBACK: FailbackRecord = { version: 1, leader: false, hold: null };

export type FailbackMode = 'auto' | 'hold' | 'manual';

/** What one reconcile run tells the fail-back decision. */
export interface FailbackInput {
  mode: FailbackMode;
  holdMs: number;
  role: NodeRole;
  draining: boolean;
  /** Our demotion reasons held now, failback excluded. */
  otherHeld: readonly DemotionReason[];
  /** The kernel counter holds more than our share (someone else's demotion, the kernel's own). */
  foreignDemotion: boolean;
  /** The first run of this process that read CARP. */
  firstRun: boolean;
  now: number;
}

/** A change worth a journal line and a log line. */
export interface FailbackEvent {
  type: 'armed' | 'ready' | 'not-ready' | 'expired' | 'released';
  reason: string;
}

export interface FailbackDecision {
  record: FailbackRecord;
  /** Hold the failback share now. */
  held: boolean;
  /** When a run is wanted to end the hold (hold mode, counting down), else null. */
  wakeAt: number | null;
  events: FailbackEvent[];
}

/** The next record after one run. */
export function decideFailback(record: FailbackRecord, input: FailbackInput): FailbackDecision {
  const events: FailbackEvent[] = [];
  const leader = input.role === 'MASTER';
  const drop = (why: string): FailbackRecord => {
    if (record.hold) events.push({ type: 'released', reason: why });
    return { version: 1, leader, hold: null };
  };
  let next: FailbackRecord;
  if (input.mode === 'auto') next = drop('failback.mode is auto');
  else if (input.draining) next = drop('drained: the drain holds instead, and undrain lets the node lead again');
  else if (leader) next = drop('MASTER again');
  else if (record.hold === null) {
    const why = record.leader ? failureOf(input) : null;
    if (why === null) next = { version: 1, leader: false, hold: null };
    else {
      events.push({ type: 'armed', reason: why });
      next = { version: 1, leader: false, hold: { since: input.now, reason: why, readySince: null } };
    }
  } else next = { version: 1, leader: false, hold: { ...record.hold } };

  const hold = next.hold;
  if (hold !== null) {
    const ready = input.otherHeld.length === 0;
    if (ready && hold.readySince === null) {
      hold.readySince = input.now;
      events.push({ type: 'ready', reason: input.mode === 'hold' ? `ready: taking MASTER back in ${Math.round(input.holdMs / 1000)} s` : 'ready: waiting for `carp-failover release`' });
    } else if (hold.readySince !== null && input.otherHeld.some((r) => r !== 'boot')) {
      // A failure again starts the countdown over; a service restart's short boot hold does not.
      hold.readySince = null;
      events.push({ type: 'not-ready', reason: `not ready again (${input.otherHeld.join(', ')}): the hold starts over` });
    }
    if (input.mode === 'hold' && hold.readySince !== null && input.now >= hold.readySince + input.holdMs) {
      events.push({ type: 'expired', reason: `ready for ${Math.round(input.holdMs / 1000)} s: may take MASTER back` });
      next = { version: 1, leader: false, hold: null };
    }
  }
  const wakeAt = input.mode === 'hold' && next.hold?.readySince != null ? next.hold.readySince + input.holdMs : null;
  return { record: next, held: next.hold !== null, wakeAt, events };
}

/** Why losing MASTER was a failure, or null when it was not (a better peer preempted us). */
function failureOf(input: FailbackInput): string | null {
  if (input.firstRun) return 'this node was MASTER when the service last ran (crash, reboot or restart)';
  if (input.otherHeld.length > 0) return `lost MASTER while demoted for ${input.otherHeld.join(', ')}`;
  if (input.foreignDemotion) return 'lost MASTER while the kernel demoted this node (link down or send errors)';
  if (input.role === 'INIT' || input.role === 'MIXED') return `lost MASTER: CARP is ${input.role}`;
  return null;
}
