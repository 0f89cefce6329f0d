// One base error for the whole service. `code` strings are part of the API: they appear in the
// status socket, the journal, metrics labels and CLI exit status, so never rename one.
import { redactDeep, redactSecrets } from './redact.js';

/** Stable error codes. Add new ones at the end of a group; never reuse or rename. */
export type ErrorCode =
  // configuration and files
  | 'CONFIG_INVALID'
  | 'CONFIG_UNREADABLE'
  | 'SECRETS_UNSAFE'
  | 'STATE_UNREADABLE'
  /** A state or socket directory (or a parent) another user could change: refused, like sshd's StrictModes. */
  | 'PATH_UNSAFE'
  // host commands
  | 'INVALID_NAME'
  | 'COMMAND_NOT_ALLOWED'
  | 'COMMAND_FAILED'
  | 'COMMAND_TIMEOUT'
  | 'PARSE_FAILED'
  | 'INTERFACE_MISSING'
  // vtysh / ospfd
  | 'VTYSH_FAILED'
  | 'OSPF_UNAVAILABLE'
  // OVH API
  | 'OVH_HTTP'
  | 'OVH_AUTH'
  | 'OVH_RATE_LIMITED'
  | 'OVH_TIMEOUT'
  | 'OVH_NETWORK'
  | 'OVH_BAD_RESPONSE'
  | 'OVH_TASK_FAILED'
  | 'OVH_TASK_STUCK'
  | 'OVH_CONTESTED'
  // engine and sockets
  | 'NOT_MASTER'
  | 'FROZEN'
  | 'ABORTED'
  | 'RECONCILE_TIMEOUT'
  | 'SOCKET_IN_USE'
  | 'PROTOCOL'
  | 'UNKNOWN_COMMAND'
  | 'NOT_RUNNING'
  | 'TIMEOUT'
  | 'INTERNAL'
  | 'READ_ONLY_SOCKET'
  | 'TOO_MANY_CLIENTS'
  // CLI
  | 'PERMISSION_DENIED'
  | 'USAGE';

export interface ErrorOptions {
  cause?: unknown;
  /** Context that helps at 3 a.m.: argv, path, status, QueryId… Never a secret. */
  details?: Record<string, unknown>;
  /** True when retrying the same thing later may succeed (timeouts, 5xx, resets). */
  transient?: boolean;
}

/** Base class of every error the service raises on purpose. */
export class CarpFailoverError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;
  readonly transient: boolean;

  constructor(code: ErrorCode, message: string, options: ErrorOptions = {}) {
    // A message or detail may quote OVH, which may quote a secret back: never carried further.
    super(redactSecrets(message), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.details = redactDeep(options.details ?? {});
    this.transient = options.transient ?? false;
  }

  /** The JSON form used by status, journal and the control protocol. */
  toJSON(): ErrorSummary {
    return { code: this.code, message: this.message, details: this.details, transient: this.transient };
  }
}

/** What an error looks like once it leaves the process (status socket, journal). */
export interface ErrorSummary {
  code: ErrorCode;
  message: string;
  details: Record<string, unknown>;
  transient: boolean;
}

/** Turns anything thrown into an ErrorSummary, keeping our code when there is one. */
export function summarizeError(error: unknown): ErrorSummary {
  if (error instanceof CarpFailoverError) return error.toJSON();
  if (error instanceof Error && error.name === 'AbortError') {
    return { code: 'ABORTED', message: error.message, details: {}, transient: true };
  }
  const message = redactSecrets(error instanceof Error ? error.message : String(error));
  return { code: 'INTERNAL', message, details: {}, transient: true };
}
