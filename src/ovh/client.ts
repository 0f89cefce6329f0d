// The OVH API client the failover-IP resource and `carp-failover ovh …` use. No retries of its
// own beyond one after a clock re-sync or token refresh (the engine retries with backoff); it
// stops calling for a while after a credential failure or a 429, and keeps itself well under
// OVH's fair use (about 60 calls a minute per key). Part of that budget is kept for claims, so
// that routine reads (verifications, drain checks, polls of other IPs) cannot delay one.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import type { Clock } from '../host/ports.js';
import { LegacyAuth, OAuth2Auth, type OvhAuth } from './auth.js';
import type { OvhCredentials } from './credentials.js';
import { resolveEndpoint } from './endpoints.js';
import { retryAfterPauseMs } from './retry-after.js';
import { CREDENTIAL_ERROR_CODES, OvhError } from './errors.js';
import { ovhJson } from './signing.js';
import { OvhTransport, type OvhCallCounts } from './transport.js';

export interface OvhClientOptions {
  credentials: OvhCredentials;
  /** config.ovh.base_url: replaces the endpoint's base (the mock); null for the real API. */
  baseUrl?: string | null;
  timeoutMs: number;
  clock: Clock;
  log: Logger;
  dispatcher?: Dispatcher;
  maxBodyBytes?: number;
  /** Local budget: calls beyond this in any 60 s window fail fast (OVH_RATE_LIMITED). */
  maxCallsPerMinute?: number;
  /** The last calls of that budget only writes and urgently() calls may use; default a quarter. */
  claimReserve?: number;
  /** First pause after a credential failure; doubles up to authRetryMaxMs. */
  authRetryMs?: number;
  authRetryMaxMs?: number;
  /** Pause after a 429 without a readable Retry-After. */
  rateLimitPauseMs?: number;
}

/** Why the client is not calling OVH for now, and until when (epoch ms). */
export interface ClientPause {
  until: number;
  reason: 'rate-limited' | 'auth';
}

export interface CallOptions {
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  signal?: AbortSignal;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** Encodes one path segment: "192.0.2.10/32" → "192.0.2.10%2F32"; MAC colons stay as OVH shows them. */
export function segment(value: string): string {
  return encodeURIComponent(value).replace(/%3A/gi, ':');
}

/** Builds a path with encoded segments: ovhPath`/ip/${ip}/move`. */
export function ovhPath(strings: TemplateStringsArray, ...values: Array<string | number>): string {
  return strings.reduce((out, text, i) => out + text + (i < values.length ? segment(String(values[i])) : ''), '');
}

/** Set while a caller runs inside urgently(): its reads may spend the claim reserve. */
const urgentCalls = new AsyncLocalStorage<true>();

export class OvhClient {
  readonly auth: OvhAuth;
  readonly baseUrl: string;
  readonly tokenUrl: string;
  private readonly transport: OvhTransport;
  private readonly recentCalls: number[] = [];
  private authPause: { until: number; error: OvhError; nextMs: number } | null = null;
  private ratePause: { until: number; error: OvhError } | null = null;

  constructor(private readonly options: OvhClientOptions) {
    const endpoint = resolveEndpoint(options.credentials.endpoint, options.baseUrl ?? null);
    this.baseUrl = endpoint.baseUrl;
    this.tokenUrl = endpoint.tokenUrl;
    this.transport = new OvhTransport({ timeoutMs: options.timeoutMs, dispatcher: options.dispatcher, log: options.log, maxBodyBytes: options.maxBodyBytes });
    this.auth =
      options.credentials.kind === 'legacy'
        ? new LegacyAuth(options.credentials, this.baseUrl, this.transport, options.clock)
        : new OAuth2Auth(options.credentials, this.tokenUrl, this.transport, options.clock);
  }

  /** Calls made so far, by result (a copy). */
  calls(): OvhCallCounts {
    return { ...this.transport.counts };
  }

  /** When credential failures have paused the client: until when, and why. */
  authPausedUntil(): number | null {
    return this.authPause && this.authPause.until > this.options.clock.now() ? this.authPause.until : null;
  }

  /**
   * The pause in force (a 429's Retry-After, or a credential failure): until the later end; the
   * reason is `auth` while a credential pause lasts (it needs an operator), else `rate-limited`.
   */
  pausedUntil(): ClientPause | null {
    const now = this.options.clock.now();
    const auth = this.authPause && this.authPause.until > now ? this.authPause.until : null;
    const rate = this.ratePause && this.ratePause.until > now ? this.ratePause.until : null;
    if (auth === null && rate === null) return null;
    return { until: Math.max(auth ?? 0, rate ?? 0), reason: auth !== null ? 'auth' : 'rate-limited' };
  }

  /**
   * Runs fn with its calls allowed into the claim reserve: the reads a claim needs (where the IP
   * points, pending tasks) and the polls of its task. Writes always are.
   */
  urgently<T>(fn: () => Promise<T>): Promise<T> {
    return urgentCalls.run(true, fn);
  }

  get<T = unknown>(path: string, options: CallOptions = {}): Promise<T> {
    return this.call<T>('GET', path, options);
  }

  post<T = unknown>(path: string, body: unknown, options: CallOptions = {}): Promise<T> {
    return this.call<T>('POST', path, { ...options, body });
  }

  delete<T = unknown>(path: string, options: CallOptions = {}): Promise<T> {
    return this.call<T>('DELETE', path, options);
  }

  /** One API call; path relative to the base URL with segments already encoded (ovhPath). */
  async call<T = unknown>(method: HttpMethod, path: string, options: CallOptions = {}): Promise<T> {
    const query = buildQuery(options.query);
    const pathAndQuery = path + query;
    this.checkPauses(method, pathAndQuery);
    const body = options.body === undefined ? '' : ovhJson(options.body);
    for (let attempt = 1; ; attempt++) {
      this.spendBudget(method, pathAndQuery, attempt);
      try {
        const authHeaders = await this.auth.headers({ method, pathAndQuery, body }, options.signal);
        const headers: Record<string, string> = { accept: 'application/json', ...authHeaders };
        if (body !== '') headers['content-type'] = 'application/json';
        const result = await this.transport.send({
          method,
          url: this.baseUrl + pathAndQuery,
          logPath: pathAndQuery,
          headers,
          body: body === '' ? undefined : body,
          signal: options.signal,
          attempt,
        });
        this.authPause = null;
        return result.data as T;
      } catch (error) {
        if (!(error instanceof OvhError)) throw error;
        if (error.code === 'OVH_AUTH' && attempt === 1 && (await this.auth.recover(error, options.signal))) continue;
        this.noteFailure(error);
        throw error;
      }
    }
  }

  /** Throws the remembered error while paused after a credential failure or a 429. */
  private checkPauses(method: string, path: string): void {
    const now = this.options.clock.now();
    for (const pause of [this.authPause, this.ratePause]) {
      if (pause && now < pause.until) {
        throw new OvhError(
          pause.error.code,
          { method, path, status: null, errorCode: pause.error.errorCode, errorClass: pause.error.errorClass, ovhMessage: `not calling until ${new Date(pause.until).toISOString()} after: ${pause.error.message}`, queryId: null, attempt: 0, durationMs: 0 },
          { transient: pause.error.transient, extra: { pausedUntil: new Date(pause.until).toISOString() } },
        );
      }
    }
  }

  private noteFailure(error: OvhError): void {
    const now = this.options.clock.now();
    if (error.code === 'OVH_AUTH' && (error.status === 401 || CREDENTIAL_ERROR_CODES.has(error.errorCode ?? '') || error.path === new URL(this.tokenUrl).pathname)) {
      const first = this.options.authRetryMs ?? 60_000;
      const max = this.options.authRetryMaxMs ?? 900_000;
      const wait = this.authPause ? Math.min(this.authPause.nextMs, max) : first;
      this.authPause = { until: now + wait, error, nextMs: Math.min(wait * 2, max) };
      this.options.log.error({ code: error.code, errorCode: error.errorCode, status: error.status, queryId: error.queryId, pauseMs: wait }, 'ovh credentials rejected: pausing OVH calls');
    } else if (error.code === 'OVH_RATE_LIMITED' && error.status === 429) {
      const header = (name: string) => (typeof error.details[name] === 'string' ? (error.details[name] as string) : null);
      const wait = retryAfterPauseMs({ retryAfter: header('retryAfter'), date: header('serverDate') }, now, this.options.rateLimitPauseMs ?? 60_000);
      this.ratePause = { until: now + wait, error };
      this.options.log.warn({ code: error.code, queryId: error.queryId, retryAfter: header('retryAfter'), pauseMs: wait, pausedUntil: new Date(now + wait).toISOString() }, 'ovh asked us to slow down (429): pausing OVH calls');
    }
  }

  /** A sliding 60 s window; a call over budget fails before reaching the network. */
  private spendBudget(method: string, path: string, attempt: number): void {
    const now = this.options.clock.now();
    const limit = this.options.maxCallsPerMinute ?? 40;
    const reserve = Math.min(limit, this.options.claimReserve ?? Math.ceil(limit / 4));
    while (this.recentCalls.length > 0 && this.recentCalls[0]! <= now - 60_000) this.recentCalls.shift();
    const urgent = method !== 'GET' || urgentCalls.getStore() === true;
    const spent =
      this.recentCalls.length >= limit
        ? `local budget of ${limit} calls a minute spent`
        : !urgent && this.recentCalls.length >= limit - reserve
          ? `local budget for routine calls spent (${limit - reserve} of ${limit} a minute; the last ${reserve} are kept for claims)`
          : null;
    if (spent !== null) {
      throw new OvhError(
        'OVH_RATE_LIMITED',
        { method, path, status: null, errorCode: null, errorClass: null, ovhMessage: spent, queryId: null, attempt, durationMs: 0 },
        { transient: true, extra: { local: true, urgent } },
      );
    }
    this.recentCalls.push(now);
  }
}

function buildQuery(query: CallOptions['query']): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.append(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}
