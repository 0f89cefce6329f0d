// The node's role is derived from the kernel's CARP state, never from an event's content: the
// engine re-observes every followed vhid and folds them into one role here.
import type { NodeRole, TargetRole, VhidState } from '../model.js';

/** Folds the followed vhids into one role; MASTER only when all of them lead here. */
export function deriveRole(vhids: readonly VhidState[]): NodeRole {
  // No vhid observed means CARP could not be read: we cannot lead on a blind guess.
  if (vhids.length === 0) return 'INIT';
  let masters = 0;
  let backups = 0;
  for (const v of vhids) {
    if (v.state === 'MASTER') masters++;
    else if (v.state === 'BACKUP') backups++;
    else return 'INIT'; // INIT, UNKNOWN or ABSENT: this node is not ready to lead anything
  }
  if (masters === vhids.length) return 'MASTER';
  if (backups === vhids.length) return 'BACKUP';
  return 'MIXED';
}

/** What resources converge toward: only a full MASTER leads; every other role backs off. */
export function targetRole(role: NodeRole): TargetRole {
  return role === 'MASTER' ? 'MASTER' : 'BACKUP';
}
