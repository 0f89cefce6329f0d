// When observe() must ask OVH again rather than answer from the last read: OVH's fair use (about
// 60 calls a minute per key) makes every read count, and a stale answer delays a failover.
import type { Binding } from './model.js';

/** What the decision needs. */
export interface ReadPolicyInput {
  /** The last read, null when there is none or it must not be trusted (a new mastership). */
  cached: { binding: Binding; readAtMs: number } | null;
  now: number;
  master: boolean;
  /** A re-claim is held back (contested): nothing to write before then anyway. */
  holding: boolean;
  /** A write's answer was lost: its task is looked for. */
  lostAnswer: boolean;
  /** shared-vmac: the binding stays on the shared vMAC whoever is MASTER. */
  sharedVmac: boolean;
  ovh: { task_poll_ms: number; verify_period_s: number };
}

/** True when the binding must be read from OVH now. */
export function mustRead(input: ReadPolicyInput): boolean {
  const { cached, now, master, ovh } = input;
  if (cached === null) return true;
  const verifyMs = ovh.verify_period_s * 1000;
  // Not MASTER with the IP still here or bound nowhere: only the drain check asks, waiting for
  // the peer's claim to land; at the verify period its confirmation could lag by up to
  // verify_period_s (longer than drain --wait's timeout), so it re-reads at the task poll period
  // until the IP is bound elsewhere.
  // (shared-vmac: the binding stays on the shared vMAC whoever is MASTER: no claim to wait for.)
  const waitingForPeer = !master && !input.sharedVmac && (cached.binding.ours || cached.binding.target === null);
  const ageMs = now - cached.readAtMs;
  if (ageMs >= (waitingForPeer ? Math.min(ovh.task_poll_ms, verifyMs) : verifyMs)) return true;
  // Looking for a lost write's task: once per task poll, however often the engine comes.
  const looked = input.lostAnswer && ageMs < ovh.task_poll_ms;
  // A MASTER with the IP elsewhere re-reads at every run (its claim depends on it).
  return !(cached.binding.ours || !master || input.holding || looked);
}
