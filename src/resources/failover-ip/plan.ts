// The pure planner: one step at a time, because each OVH write is a task that must end before
// the next one may start (one operation in flight per IP). Waiting for a task and the re-claim
// hold are waits, a missing vMAC is blocked: none of them is a step.
import { CarpFailoverError } from '../../errors.js';
import { blocked, steps, waitFor, type Plan } from '../resource.js';
import type { FailoverIpActual, FailoverIpDesired, FailoverIpStep } from './model.js';

export type Strategy = 'vmac' | 'move';

/** What the planner needs beyond desired and actual. */
export interface PlanOptions {
  /** The failover IP, for messages. */
  ip: string;
  /** How soon to look at a pending task again (ovh.task_poll_ms). */
  pollMs: number;
}

/** The next step toward desired, [] when the binding already points here (it is the authority). */
export function planFailoverIp(strategy: Strategy, desired: FailoverIpDesired, actual: FailoverIpActual, options: PlanOptions): Plan<FailoverIpStep> {
  const at = Date.parse(actual.at);
  // A pending task that may change the binding leaves it unsettled, even when it points here:
  // follow it, so that its end (the IP taken off our vMAC by the peer) is seen at the next poll.
  const { task } = actual;
  if (task && (task.blocksUntil === null || Date.parse(task.blocksUntil) > at)) return waitFor(`OVH task ${task.taskId} (${task.function}) is ${task.status}`, options.pollMs);
  if (actual.binding.target === desired.boundTo) return steps([]);
  // Our last write's answer was lost: it may still start its task; never write it again blind.
  if (actual.lostAnswerUntil !== null && Date.parse(actual.lostAnswerUntil) > at) {
    return waitFor(`looking for the task of a write whose answer was lost, until ${actual.lostAnswerUntil}`, options.pollMs);
  }
  if (actual.blocked) return blocked(new CarpFailoverError('CONFIG_INVALID', `ovh:${options.ip}: ${actual.blocked}`, { details: { ip: options.ip } }));
  if (actual.holdUntil !== null) {
    const leftMs = Date.parse(actual.holdUntil) - at;
    if (leftMs > 0) return waitFor(`re-claim held until ${actual.holdUntil} (contested)`, Math.max(options.pollMs, leftMs));
  }
  if (strategy === 'move') return steps([{ kind: 'move', to: desired.boundTo }]);
  // vMAC: an IP sits on one vMAC at a time; take it off the other one first.
  if (actual.binding.target !== null) return steps([{ kind: 'vmac-remove', from: actual.binding.target }]);
  return steps([{ kind: 'vmac-add', to: desired.boundTo }]);
}

/** One line per step, for the journal and logs. */
export function describeStep(ip: string, step: FailoverIpStep): string {
  switch (step.kind) {
    case 'move':
      return `POST /ip/${ip}/move to ${step.to}`;
    case 'vmac-remove':
      return `remove ${ip} from vMAC ${step.from}`;
    case 'vmac-add':
      return `add ${ip} to vMAC ${step.to}`;
  }
}
