// The pure planner: one step at a time, because each OVH write is a task that must end before
// the next one may start (one operation in flight per IP).
import type { FailoverIpActual, FailoverIpDesired, FailoverIpStep } from './model.js';

export type Strategy = 'vmac' | 'move';

/** The next step toward desired, [] when the binding already points here (it is the authority). */
export function planFailoverIp(strategy: Strategy, desired: FailoverIpDesired, actual: FailoverIpActual): FailoverIpStep[] {
  if (actual.binding.target === desired.boundTo) return [];
  if (actual.task) return [{ kind: 'wait-task', taskId: actual.task.taskId, status: actual.task.status }];
  if (actual.blocked) return [{ kind: 'blocked', reason: actual.blocked }];
  if (actual.holdUntil !== null && Date.parse(actual.holdUntil) > Date.parse(actual.at)) return [{ kind: 'hold', until: actual.holdUntil }];
  if (strategy === 'move') return [{ kind: 'move', to: desired.boundTo }];
  // vMAC: an IP sits on one vMAC at a time; take it off the other one first.
  if (actual.binding.target !== null) return [{ kind: 'vmac-remove', from: actual.binding.target }];
  return [{ kind: 'vmac-add', to: desired.boundTo }];
}

/** One line per step, for the journal and logs. */
export function describeStep(ip: string, step: FailoverIpStep): string {
  switch (step.kind) {
    case 'wait-task':
      return `wait for OVH task ${step.taskId} (${step.status}) on ${ip}`;
    case 'hold':
      return `hold re-claim of ${ip} until ${step.until} (contested)`;
    case 'blocked':
      return `cannot claim ${ip}: ${step.reason}`;
    case 'move':
      return `POST /ip/${ip}/move to ${step.to}`;
    case 'vmac-remove':
      return `remove ${ip} from vMAC ${step.from}`;
    case 'vmac-add':
      return `add ${ip} to vMAC ${step.to}`;
  }
}
