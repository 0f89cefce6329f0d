// One HTTP exchange with OVH on undici: a timeout on every request (headers, body and an overall
// AbortSignal), a capped body, classification into typed errors, a log line and a counter.
import type { Logger } from 'pino';
import { request, type Dispatcher } from 'undici';
import { redactSecrets } from '../redact.js';
import { OvhError, parseErrorBody, type OvhErrorCode } from './errors.js';

/** Calls by result, for status and metrics (names are read by the blue/green status code). */
export interface OvhCallCounts {
  ok: number;
  http4xx: number;
  http5xx: number;
  rateLimited: number;
  timeout: number;
  network: number;
  auth: number;
  badResponse: number;
}

export function emptyCallCounts(): OvhCallCounts {
  return { ok: 0, http4xx: 0, http5xx: 0, rateLimited: 0, timeout: 0, network: 0, auth: 0, badResponse: 0 };
}

export interface TransportOptions {
  timeoutMs: number;
  dispatcher?: Dispatcher;
  log: Logger;
  /** Bodies larger than this are refused (OVH_BAD_RESPONSE); default 1 MiB. */
  maxBodyBytes?: number;
}

export interface Exchange {
  method: string;
  url: string;
  /** What logs and errors show: the API path and query, never a host or credential. */
  logPath: string;
  headers: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
  attempt: number;
  /** Token endpoint: every 4xx is an auth failure. */
  authEndpoint?: boolean;
}

export interface ExchangeResult {
  status: number;
  /** Parsed JSON, null for an empty body. */
  data: unknown;
  queryId: string | null;
}

const DEFAULT_MAX_BODY = 1024 * 1024;
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

/** Sends HTTP requests and turns every outcome into data or an OvhError. */
export class OvhTransport {
  readonly counts: OvhCallCounts = emptyCallCounts();

  constructor(private readonly options: TransportOptions) {}

  /** Performs one exchange; resolves for 2xx, rejects with OvhError (or the caller's AbortError). */
  async send(ex: Exchange): Promise<ExchangeResult> {
    const { timeoutMs } = this.options;
    const started = performance.now();
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = ex.signal ? AbortSignal.any([ex.signal, timeout]) : timeout;
    let status: number | null = null;
    let queryId: string | null = null;
    try {
      const res = await request(ex.url, {
        method: ex.method as Dispatcher.HttpMethod,
        headers: ex.headers,
        body: ex.body,
        signal,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        ...(this.options.dispatcher ? { dispatcher: this.options.dispatcher } : {}),
      });
      status = res.statusCode;
      queryId = header(res.headers, 'x-ovh-queryid');
      const text = await readCapped(res.body, this.options.maxBodyBytes ?? DEFAULT_MAX_BODY, () => this.fail(ex, 'OVH_BAD_RESPONSE', status, queryId, started, true, 'badResponse', { ovhMessage: 'response body too large' }));
      if (status >= 200 && status < 300) return { status, data: this.parse(ex, text, status, queryId, started), queryId };
      // Kept as received (bounded): the client decides the pause with its own clock.
      const retry = { retryAfter: shortHeader(res.headers, 'retry-after'), serverDate: shortHeader(res.headers, 'date') };
      throw this.httpError(ex, status, text, queryId, started, retry);
    } catch (error) {
      if (error instanceof OvhError) throw error;
      if (ex.signal?.aborted) throw error;
      const code = (error as { code?: string }).code ?? '';
      const timedOut = timeout.aborted || TIMEOUT_CODES.has(code);
      const message = timedOut ? `no complete answer within ${timeoutMs} ms` : `${code || (error as Error).name}: ${(error as Error).message}`;
      throw this.fail(ex, timedOut ? 'OVH_TIMEOUT' : 'OVH_NETWORK', status, queryId, started, true, timedOut ? 'timeout' : 'network', { ovhMessage: message }, error);
    }
  }

  private parse(ex: Exchange, text: string, status: number, queryId: string | null, started: number): unknown {
    if (text.trim() === '') {
      this.record(ex, status, queryId, started, 'ok');
      return null;
    }
    try {
      const data = JSON.parse(text) as unknown;
      this.record(ex, status, queryId, started, 'ok');
      return data;
    } catch (cause) {
      throw this.fail(ex, 'OVH_BAD_RESPONSE', status, queryId, started, true, 'badResponse', { ovhMessage: `answer is not JSON (${text.length} bytes; truncated?)` }, cause);
    }
  }

  private httpError(ex: Exchange, status: number, text: string, queryId: string | null, started: number, retry: { retryAfter: string | null; serverDate: string | null }): OvhError {
    const body = parseErrorBody(text);
    const fields = { errorCode: body.errorCode, errorClass: body.errorClass, ovhMessage: body.message };
    const invalidSignature = body.errorCode === 'INVALID_SIGNATURE' || (status === 400 && /invalid signature/i.test(body.message ?? ''));
    if (status === 429) return this.fail(ex, 'OVH_RATE_LIMITED', status, queryId, started, true, 'rateLimited', fields, undefined, retry);
    if (status === 401 || status === 403 || invalidSignature || (ex.authEndpoint && status >= 400 && status < 500)) {
      return this.fail(ex, 'OVH_AUTH', status, queryId, started, false, 'auth', fields);
    }
    if (status >= 500) return this.fail(ex, 'OVH_HTTP', status, queryId, started, true, 'http5xx', fields);
    if (status >= 400) return this.fail(ex, 'OVH_HTTP', status, queryId, started, false, 'http4xx', fields);
    return this.fail(ex, 'OVH_BAD_RESPONSE', status, queryId, started, true, 'badResponse', { ...fields, ovhMessage: `unexpected status ${status}` });
  }

  private fail(
    ex: Exchange,
    code: OvhErrorCode,
    status: number | null,
    queryId: string | null,
    started: number,
    transient: boolean,
    counter: keyof OvhCallCounts,
    fields: Partial<{ errorCode: string | null; errorClass: string | null; ovhMessage: string | null }>,
    cause?: unknown,
    extra?: Record<string, unknown>,
  ): OvhError {
    const durationMs = this.record(ex, status, queryId, started, counter);
    return new OvhError(
      code,
      { method: ex.method, path: ex.logPath, status, errorCode: fields.errorCode ?? null, errorClass: fields.errorClass ?? null, ovhMessage: fields.ovhMessage ?? null, queryId, attempt: ex.attempt, durationMs },
      { cause, transient, extra },
    );
  }

  private record(ex: Exchange, status: number | null, queryId: string | null, started: number, result: keyof OvhCallCounts): number {
    const durationMs = Math.round(performance.now() - started);
    this.counts[result] += 1;
    const line = { method: ex.method, path: ex.logPath, status, durationMs, queryId, attempt: ex.attempt, result };
    if (result === 'ok') this.options.log[ex.method === 'GET' ? 'debug' : 'info'](line, 'ovh call');
    else this.options.log.warn(line, 'ovh call failed');
    return durationMs;
  }
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | null {
  const value = headers[name];
  if (Array.isArray(value)) return value[0] ?? null;
  return value ?? null;
}

/** A header value for an error's details: printable, at most 100 characters. */
function shortHeader(headers: Record<string, string | string[] | undefined>, name: string): string | null {
  const value = header(headers, name);
  return value === null ? null : redactSecrets(value.replace(/[^\x20-\x7e]+/g, ' ')).slice(0, 100);
}

async function readCapped(body: Dispatcher.ResponseData['body'], max: number, tooLarge: () => Error): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > max) {
      body.destroy();
      throw tooLarge();
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
