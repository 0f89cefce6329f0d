// The mock's admin routes (loopback, no auth, not logged), for the lab where the mock is a
// separate process: read the request log and state, inject faults, move things by hand.
import type { FaultRule } from './faults.js';
import type { MockRequest } from './server.js';
import type { MockState, TaskOutcome } from './state.js';
import type { MockFaults } from './faults.js';

export interface AdminTarget {
  state: MockState;
  faults: MockFaults;
  requests: MockRequest[];
}

/** Answers /_mock/… requests; null when the route is unknown. */
export function handleAdmin(target: AdminTarget, method: string, path: string, body: unknown): { status: number; body: unknown } | null {
  const b = (body ?? {}) as Record<string, unknown>;
  const ok = { status: 200, body: { ok: true } };
  switch (`${method} ${path}`) {
    case 'GET /_mock/requests':
      return { status: 200, body: target.requests };
    case 'DELETE /_mock/requests':
      target.requests.length = 0;
      return ok;
    case 'GET /_mock/state':
      return { status: 200, body: target.state.snapshot() };
    case 'POST /_mock/faults': {
      const rule = { ...b } as unknown as FaultRule & { pathRegex?: string; times?: number | null };
      if (typeof rule.pathRegex === 'string') rule.path = new RegExp(rule.pathRegex);
      delete rule.pathRegex;
      if (rule.times === null) rule.times = Infinity;
      target.faults.add(rule);
      return ok;
    }
    case 'POST /_mock/faults/clear':
      target.faults.clear();
      return ok;
    case 'POST /_mock/task-outcome':
      target.faults.taskOutcome(b.outcome as TaskOutcome);
      return ok;
    case 'POST /_mock/skew':
      target.faults.skewS = Number(b.seconds ?? 0);
      return ok;
    case 'POST /_mock/durations':
      Object.assign(target.state.durations, b);
      return ok;
    case 'POST /_mock/route':
      target.state.setRoutedTo(String(b.ip), b.routedTo === null ? null : String(b.routedTo));
      return ok;
    case 'POST /_mock/vmac':
      target.state.setVmac(String(b.ip), String(b.server), b.mac === null ? null : String(b.mac), typeof b.vmName === 'string' ? b.vmName : undefined);
      return ok;
    default:
      return null;
  }
}
