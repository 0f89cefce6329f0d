// Faults the mock injects on demand: OVH error answers, slow answers past the client's timeout,
// connection resets, broken bodies, tasks that stick or fail, and clock skew.
import type { TaskOutcome } from './state.js';

export type FaultKind =
  /** Answer `status` with `body` (an OVH error body by default). */
  | 'status'
  /** Wait `delayMs` (real time) before answering normally. */
  | 'slow'
  /** Destroy the socket without answering (the request is never handled). */
  | 'reset'
  /** Handle the request (a write's task starts), then destroy the socket: the answer is lost. */
  | 'lost'
  /** Hold the request unhandled until `release` settles, then handle it: a request that reaches
   *  OVH after the client gave up on it (its timeout), and starts its task then. */
  | 'hold'
  /** Announce a longer Content-Length than sent, then close. */
  | 'truncate'
  /** A 200 whose body is 2 MiB. */
  | 'oversize'
  /** A 200 whose body is not JSON. */
  | 'garbage';

export interface FaultRule {
  kind: FaultKind;
  method?: string;
  /** Route template ('/ip/{ip}/move'), or a substring / RegExp of the request path. */
  path?: string | RegExp;
  status?: number;
  body?: unknown;
  delayMs?: number;
  /** 'hold': the request is handled once this settles. */
  release?: Promise<unknown>;
  /** How many requests it hits; Infinity until cleared. Default 1. */
  times?: number;
  headers?: Record<string, string>;
  /**
   * 'status' only: the error message quotes the request, its body and every header (a hostile or
   * careless endpoint; seen on an OAuth2 token endpoint returning the form body in its 400).
   */
  echo?: boolean;
}

/** The error body of an echoing endpoint: the token endpoint's shape or the API's. */
export function echoBodyFor(tokenEndpoint: boolean, rawBody: string, headers: Record<string, unknown>): unknown {
  const quoted = `request body "${rawBody}", headers ${JSON.stringify(headers)}`;
  return tokenEndpoint ? { error: 'invalid_request', error_description: `cannot process ${quoted}` } : { class: 'Client::BadRequest', message: `Invalid request: ${quoted}` };
}

/** Default OVH-shaped error bodies by status. */
export function errorBodyFor(status: number): unknown {
  if (status === 429) return undefined;
  if (status === 401) return { class: 'Client::Unauthorized', message: 'You must login first' };
  if (status === 403) return { errorCode: 'INVALID_CREDENTIAL', httpCode: '403 Forbidden', message: 'This credential is not valid' };
  if (status === 404) return { class: 'Client::NotFound', message: 'The requested object does not exist' };
  if (status === 409) return { class: 'Client::Conflict', message: 'A task is already pending on this object' };
  if (status >= 500) return { class: status === 503 ? 'Server::ServiceUnavailable' : 'Server::InternalServerError', message: 'Internal server error' };
  return { class: 'Client::BadRequest', message: 'Bad request' };
}

export class MockFaults {
  rules: FaultRule[] = [];
  /** Seconds added to the server's clock (what /auth/time answers and signatures are checked against). */
  skewS = 0;
  /** Accepted |X-Ovh-Timestamp − server time|, seconds (ASSUMPTION: OVH's real window is unknown). */
  signatureWindowS = 300;

  constructor(private readonly setOutcome: (outcome: TaskOutcome) => void) {}

  add(rule: FaultRule): this {
    this.rules.push({ times: 1, ...rule });
    return this;
  }

  /** How the tasks created from now on end ('stuck' stays in doing). */
  taskOutcome(outcome: TaskOutcome): this {
    this.setOutcome(outcome);
    return this;
  }

  clear(): void {
    this.rules = [];
    this.skewS = 0;
    this.setOutcome('done');
  }

  /** The rule that hits this request, consumed by one. */
  take(method: string, route: string | null, path: string): FaultRule | undefined {
    const rule = this.rules.find((r) => (r.times ?? 1) > 0 && (!r.method || r.method === method) && matches(r.path, route, path));
    if (rule) rule.times = (rule.times ?? 1) - 1;
    this.rules = this.rules.filter((r) => (r.times ?? 1) > 0);
    return rule;
  }
}

function matches(pattern: FaultRule['path'], route: string | null, path: string): boolean {
  if (pattern === undefined) return true;
  if (pattern instanceof RegExp) return pattern.test(path);
  return pattern === route || path.includes(pattern);
}
