// A write whose answer never came back (timeout, reset, a cut body) may still have started its
// OVH task: the request can reach OVH after we gave up on it. Writing again blind stacks a second
// DELETE or POST (refused, or worse, applied twice). So the resource remembers the write, and
// until the task shows up, the binding shows the write's effect, or the grace ends, it only looks.
import { OvhError } from '../../ovh/errors.js';
import type { Binding, StepKind } from './model.js';

/** The write whose answer was lost. */
export interface LostAnswer {
  kind: StepKind;
  /** The step's target: the vMAC the IP was taken off (vmac-remove), or ours. */
  target: string;
  /** When the write was sent (epoch ms). */
  at: number;
  /** Until when a missing trace is not yet proof the write never reached OVH (epoch ms). */
  until: number;
}

/** True when the error leaves unknown whether OVH received the write and started a task. */
export function isLostAnswer(error: unknown): boolean {
  if (!(error instanceof OvhError)) return false;
  if (error.code === 'OVH_TIMEOUT' || error.code === 'OVH_NETWORK') return true;
  // A 2xx whose body was cut or garbled: the task started, we just could not read its id.
  return error.code === 'OVH_BAD_RESPONSE' && error.status !== null && error.status >= 200 && error.status < 300;
}

/**
 * How long a lost write may still show up: one more client timeout (a request that reached OVH
 * late, as our timeout fired) and one task poll (a new task is not listed at once: ansible's
 * reviewers saw a move task missing from the list 3 s after it was accepted).
 */
export function lostAnswerGraceMs(ovh: { timeout_ms: number; task_poll_ms: number }): number {
  return ovh.timeout_ms + ovh.task_poll_ms;
}

/** The binding shows the write's effect: ours after a move or an add, off `target` after a removal. */
export function lostWriteLanded(lost: LostAnswer, binding: Binding): boolean {
  return lost.kind === 'vmac-remove' ? binding.target !== lost.target : binding.ours;
}
