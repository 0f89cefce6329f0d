// Rise/fall hysteresis for one path check, pure. A check starts `pending` (no weight; the boot
// hold-down waits for it): one success makes it `up`, and only `fall` consecutive failures take it
// `down` — from pending too, so a service restart on a MASTER never demotes on one lost probe.
// Once down, only `rise` consecutive successes bring it back: a path that flaps faster than that
// changes nothing (keepalived vrrp_script fall/rise; FreeBSD's ip_carp.c demotes on send errors
// the same way: CARP_SENDAD_MAX_ERRORS failures demote, CARP_SENDAD_MIN_SUCCESS successes undo).

/** A check's verdict: pending until its first result. */
export type CheckState = 'pending' | 'up' | 'down';

export interface Hysteresis {
  state: CheckState;
  /** Consecutive results equal to the last one (successes when positive, failures when negative). */
  streak: number;
}

/** The state before any probe. */
export const INITIAL: Hysteresis = { state: 'pending', streak: 0 };

/** The next state after one probe result; `changed` when the verdict moved. */
export function step(h: Hysteresis, ok: boolean, fall: number, rise: number): Hysteresis & { changed: boolean } {
  const streak = ok ? (h.streak > 0 ? h.streak + 1 : 1) : h.streak < 0 ? h.streak - 1 : -1;
  let state = h.state;
  if (state === 'pending' && ok) state = 'up';
  else if (state !== 'down' && !ok && -streak >= fall) state = 'down';
  else if (state === 'down' && ok && streak >= rise) state = 'up';
  return { state, streak, changed: state !== h.state };
}
