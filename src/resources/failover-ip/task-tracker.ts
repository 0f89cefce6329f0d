// The OVH tasks the failover IP resource follows: the one in flight (ours, or one found pending
// that may change the binding) and a write whose answer was lost. State and decisions only; the
// resource makes the calls. One operation in flight per IP: a write never stacks on either.
import { CarpFailoverError } from '../../errors.js';
import { lostAnswerGraceMs, lostWriteLanded, type LostAnswer } from './lost-answer.js';
import type { Binding, StepKind, TaskView } from './model.js';
import type { OvhTask } from './strategies.js';
import { TaskWaitPolicy } from './task-wait.js';

const iso = (ms: number) => new Date(ms).toISOString();

export class TaskTracker {
  /** The task followed, null when none. */
  current: { view: TaskView; firstSeenMs: number } | null = null;
  /** A write whose answer was lost, until its task or effect is found or the grace ends. */
  lost: LostAnswer | null = null;
  private readonly wait: TaskWaitPolicy;

  constructor(private readonly ovh: { task_timeout_s: number; timeout_ms: number; task_poll_ms: number }) {
    this.wait = new TaskWaitPolicy(ovh.task_timeout_s);
  }

  /** The followed task still holds back a claim (task-wait.ts). */
  blocks(now: number): boolean {
    const until = this.current?.view.blocksUntil;
    return this.current !== null && (until === null || Date.parse(until!) > now);
  }

  /** A write now would stack on a task in flight, or on a write whose answer may still land. */
  forbidsWrite(now: number): boolean {
    return this.blocks(now) || (this.lost !== null && this.lost.until > now);
  }

  /** Follows the task our write just started. */
  followOurs(task: OvhTask, step: StepKind, now: number): void {
    this.current = { view: { ...fields(task), ours: true, step, since: iso(now), blocksUntil: null }, firstSeenMs: now };
  }

  /**
   * Follows a pending task found by listing. `attributed`: the strategy's tasks belong to the IP.
   * After a lost answer the task is taken for the one that write started: returns that write.
   */
  followFound(task: OvhTask, attributed: boolean, now: number): LostAnswer | null {
    const lost = this.lost;
    const until = this.wait.blocksUntil(task.taskId, attributed || lost !== null, now);
    this.current = { view: { ...fields(task), ours: lost !== null, step: lost?.kind ?? null, since: iso(now), blocksUntil: until === null ? null : iso(until) }, firstSeenMs: now };
    this.lost = null;
    return lost;
  }

  /** Remembers a write whose answer was lost (sent at `sentAt`, noticed `now`). */
  answerLost(kind: StepKind, target: string, sentAt: number, now: number): LostAnswer {
    this.lost = { kind, target, at: sentAt, until: now + lostAnswerGraceMs(this.ovh) };
    return this.lost;
  }

  /** The binding shows the lost write's effect: returns that write (it landed) and forgets it. */
  landedIn(binding: Binding): LostAnswer | null {
    const lost = this.lost;
    if (lost === null || !lostWriteLanded(lost, binding)) return null;
    this.lost = null;
    return lost;
  }

  /** Past its grace with no trace, a lost write may be made again: returns it and forgets it. */
  expired(now: number): LostAnswer | null {
    const lost = this.lost;
    if (lost === null || now < lost.until) return null;
    this.lost = null;
    return lost;
  }

  /** What plan sees: the task and the end of the lost-answer grace. */
  actual(now: number): { task: TaskView | null; lostAnswerUntil: string | null } {
    return { task: this.current ? { ...this.current.view } : null, lostAnswerUntil: this.lost && this.lost.until > now ? iso(this.lost.until) : null };
  }

  /** What status shows. */
  status(now: number): { taskInFlight: (TaskView & { ageMs: number }) | null; lostAnswer: { step: string; target: string; sentAt: string; lookingUntil: string } | null } {
    const { current, lost } = this;
    return {
      taskInFlight: current ? { ...current.view, ageMs: now - current.firstSeenMs } : null,
      lostAnswer: lost ? { step: lost.kind, target: lost.target, sentAt: iso(lost.at), lookingUntil: iso(lost.until) } : null,
    };
  }
}

/** The followed task is still pending after task_timeout_s (it is never doubled). */
export function taskStuck(id: string, tracked: { view: TaskView; firstSeenMs: number }, task: OvhTask, now: number): CarpFailoverError {
  return new CarpFailoverError('OVH_TASK_STUCK', `${id}: OVH task ${task.taskId} (${task.function}) still ${task.status} after ${Math.round((now - tracked.firstSeenMs) / 1000)} s`, {
    transient: true,
    details: { taskId: task.taskId, function: task.function, status: task.status, ours: tracked.view.ours, since: tracked.view.since },
  });
}

/** Our task ended customerError, ovhError or cancelled. */
export function taskFailed(id: string, task: OvhTask): CarpFailoverError {
  return new CarpFailoverError('OVH_TASK_FAILED', `${id}: OVH task ${task.taskId} (${task.function}) ended ${task.status}${task.comment ? `: ${task.comment}` : ''}`, {
    details: { taskId: task.taskId, function: task.function, status: task.status, comment: task.comment },
  });
}

function fields(task: OvhTask): Pick<TaskView, 'taskId' | 'function' | 'status' | 'comment'> {
  return { taskId: task.taskId, function: task.function, status: task.status, comment: task.comment };
}
