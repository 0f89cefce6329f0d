// Typed OVH API errors: everything support asks for (QueryId) and everything the reconciler needs
// to decide (transient or not), never a secret.
import { CarpFailoverError, type ErrorCode } from '../errors.js';
import { redactDeep, redactSecrets } from '../redact.js';

export type OvhErrorCode = Extract<ErrorCode, 'OVH_HTTP' | 'OVH_AUTH' | 'OVH_RATE_LIMITED' | 'OVH_TIMEOUT' | 'OVH_NETWORK' | 'OVH_BAD_RESPONSE'>;

export interface OvhErrorInfo {
  method: string;
  /** The API path with its query (no host, never a credential). */
  path: string;
  /** HTTP status, null when no answer came (timeout, reset). */
  status: number | null;
  /** OVH's errorCode (legacy auth layer: INVALID_SIGNATURE…) or null. */
  errorCode: string | null;
  /** OVH's error class (Client::Forbidden…) or null. */
  errorClass: string | null;
  /** OVH's message, or what went wrong on our side. */
  ovhMessage: string | null;
  queryId: string | null;
  /** 1 for the first try, 2 for the retry after a clock re-sync or a token refresh. */
  attempt: number;
  durationMs: number;
}

/** One failed OVH call. */
export class OvhError extends CarpFailoverError {
  declare readonly code: OvhErrorCode;
  readonly method: string;
  readonly path: string;
  readonly status: number | null;
  readonly errorCode: string | null;
  readonly errorClass: string | null;
  readonly ovhMessage: string | null;
  readonly queryId: string | null;
  readonly attempt: number;

  constructor(code: OvhErrorCode, given: OvhErrorInfo, options: { cause?: unknown; transient: boolean; extra?: Record<string, unknown> }) {
    // Every field may quote the server (which may quote our request): no secret survives here.
    const info = redactDeep(given);
    super(code, describe(info), {
      cause: options.cause,
      transient: options.transient,
      details: { ...info, ...options.extra },
    });
    this.method = info.method;
    this.path = info.path;
    this.status = info.status;
    this.errorCode = info.errorCode;
    this.errorClass = info.errorClass;
    this.ovhMessage = info.ovhMessage;
    this.queryId = info.queryId;
    this.attempt = info.attempt;
  }
}

function describe(info: OvhErrorInfo): string {
  const what = info.status === null ? 'failed' : `answered ${info.status}`;
  const kind = info.errorCode ?? info.errorClass;
  const text = [kind, info.ovhMessage].filter(Boolean).join(': ');
  const query = info.queryId ? ` (QueryId ${info.queryId})` : '';
  return `OVH ${info.method} ${info.path} ${what}${text ? ` ${text}` : ''}${query}`;
}

/** Credential-level auth failures: the whole client stops calling for a while (no hammering). */
export const CREDENTIAL_ERROR_CODES: ReadonlySet<string> = new Set(['INVALID_CREDENTIAL', 'NOT_CREDENTIAL', 'INVALID_KEY', 'INVALID_SIGNATURE']);

/** The parsed error body: both shapes OVH uses (errorCode/httpCode/message and class/message). */
export interface OvhErrorBody {
  errorCode: string | null;
  errorClass: string | null;
  message: string | null;
}

/** Reads an error body of either shape; anything else keeps a short, printable excerpt. */
export function parseErrorBody(text: string): OvhErrorBody {
  const empty: OvhErrorBody = { errorCode: null, errorClass: null, message: null };
  if (text.trim() === '') return empty;
  try {
    const body = JSON.parse(text) as unknown;
    if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
      const record = body as Record<string, unknown>;
      // Redact before cutting: a secret cut in two would no longer be recognised.
      const str = (v: unknown) => (typeof v === 'string' ? redactSecrets(v).slice(0, 500) : null);
      // OAuth2 token errors: {"error":"invalid_client","error_description":"…"}
      const oauthError = str(record.error);
      return {
        errorCode: str(record.errorCode) ?? oauthError,
        errorClass: str(record.class),
        message: str(record.message) ?? str(record.error_description),
      };
    }
  } catch {
    // not JSON: fall through
  }
  return { ...empty, message: `non-JSON body: ${printable(redactSecrets(text)).slice(0, 200)}` };
}

function printable(text: string): string {
  return text.replace(/[^\x20-\x7e]+/g, ' ').trim();
}
