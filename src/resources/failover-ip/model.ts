// The failover IP resource's vocabulary: desired/actual/steps (JSON-safe, shown in status) and
// the OVH task as we track it.

/** MASTER only: the binding must point here (our vMAC, or our server for `move`). */
export interface FailoverIpDesired {
  boundTo: string;
}

export type TaskStatus = 'init' | 'todo' | 'doing' | 'done' | 'customerError' | 'ovhError' | 'cancelled';
export const PENDING: ReadonlySet<string> = new Set(['init', 'todo', 'doing']);
export const FAILED: ReadonlySet<string> = new Set(['customerError', 'ovhError', 'cancelled']);

/** An OVH task as the status shows it. */
export interface TaskView {
  taskId: number;
  function: string;
  status: TaskStatus;
  comment: string | null;
  /** We started it (false: found pending, someone else's). */
  ours: boolean;
  /** What our step was ('move', 'vmac-remove', 'vmac-add'); null for a foreign task. */
  step: StepKind | null;
  /** When we first saw it (ISO): the stuck timeout counts from here. */
  since: string;
  /**
   * Until when it holds back a claim (ISO); null: until it ends. Only a server vMAC task that
   * names no IP has a bound (src/resources/failover-ip/task-wait.ts).
   */
  blocksUntil: string | null;
}

export interface Binding {
  /** Where the IP points: the vMAC holding it, or the server it is routed to; null: nowhere. */
  target: string | null;
  ours: boolean;
}

export interface FailoverIpActual {
  binding: Binding;
  /** A pending task on this IP (ours or found), null when none. */
  task: TaskView | null;
  /** A re-claim must not start before this (ISO), null when it may start now. */
  holdUntil: string | null;
  /** Why a claim cannot be made at all (our vMAC does not exist), null when it can. */
  blocked: string | null;
  /** A write's answer was lost: no write before this (ISO) unless its task or effect shows up. */
  lostAnswerUntil: string | null;
  /** When this was read from OVH (ISO); answers between verifications come from the cache. */
  readAt: string;
  /** Time of this observe (ISO), for plan's hold comparison. */
  at: string;
}

export type StepKind = 'move' | 'vmac-remove' | 'vmac-add';

/** Writes only: waiting for a task, a re-claim hold and a missing vMAC are plan outcomes. */
export type FailoverIpStep =
  | { kind: 'move'; to: string }
  | { kind: 'vmac-remove'; from: string }
  | { kind: 'vmac-add'; to: string };
