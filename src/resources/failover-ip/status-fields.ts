// The failover IP's typed status (status, drain and metrics read it): where OVH routes the IP,
// the task followed and how long it may hold a claim back, a lost answer, contested and the
// re-claim hold, and the client's pause (a 429's Retry-After or a credential failure).
import type { OvhClient } from '../../ovh/client.js';
import type { FailoverIpStatus } from '../resource.js';
import type { ClaimGate } from './claim-gate.js';
import type { Binding } from './model.js';
import type { TaskTracker } from './task-tracker.js';

const iso = (ms: number) => new Date(ms).toISOString();

/** What the resource knows, for status. */
export interface StatusInput {
  now: number;
  ip: string;
  strategy: 'vmac' | 'move' | 'shared-vmac';
  cache: { binding: Binding; readAtMs: number } | null;
  tasks: TaskTracker;
  /** The gate of the mastership in progress; null when none (contested is then not reported). */
  gate: ClaimGate | null;
  lastClaimAt: number | null;
  /** The last read of the binding: the verification, for move and vmac. */
  lastRead: { ok: boolean; at: number; error: string | null } | null;
  client: Pick<OvhClient, 'pausedUntil' | 'calls'>;
}

/** The failover IP's status for the current mastership. */
export function failoverIpStatus(input: StatusInput): FailoverIpStatus {
  const { now, cache, gate, client, lastRead } = input;
  const hold = gate?.notBefore() ?? null;
  const pause = client.pausedUntil();
  const { taskInFlight, lostAnswer } = input.tasks.status(now);
  return {
    kind: 'ovh',
    ip: input.ip,
    strategy: input.strategy,
    binding: cache ? { ...cache.binding } : null,
    bindingReadAt: cache ? iso(cache.readAtMs) : null,
    taskInFlight: taskInFlight && {
      taskId: taskInFlight.taskId,
      function: taskInFlight.function,
      status: taskInFlight.status,
      ours: taskInFlight.ours,
      since: taskInFlight.since,
      ageMs: taskInFlight.ageMs,
      blocksUntil: taskInFlight.blocksUntil,
    },
    contested: gate?.contested ?? false,
    reclaimNotBefore: hold !== null && hold > now ? iso(hold) : null,
    lastClaimAt: input.lastClaimAt === null ? null : iso(input.lastClaimAt),
    // A 429 (Retry-After) or a credential failure paused OVH calls until then: the later one.
    pausedUntil: pause === null ? null : iso(pause.until),
    pauseReason: pause?.reason ?? null,
    lostAnswer,
    verify: lastRead ? { ok: lastRead.ok, at: iso(lastRead.at), error: lastRead.error } : { ok: null, at: null, error: null },
    calls: { ...client.calls() } as Record<string, number>,
  };
}
