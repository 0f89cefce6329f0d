// The two ways OVH authenticates a call: legacy signed requests (application key/secret +
// consumer key, with the server's clock) and OAuth2 client credentials (a cached Bearer token).
import { z } from 'zod';
import type { Clock } from '../host/ports.js';
import type { LegacyCredentials, OAuth2Credentials } from './credentials.js';
import { OvhError } from './errors.js';
import { Secret } from './secret.js';
import { signatureUrl, signRequest } from './signing.js';
import type { OvhTransport } from './transport.js';

export interface AuthTarget {
  method: string;
  /** Path and query below the base URL, as sent. */
  pathAndQuery: string;
  body: string;
}

/** Adds credentials to a call, and says whether a rejected call is worth one more try. */
export interface OvhAuth {
  readonly kind: 'legacy' | 'oauth2';
  headers(target: AuthTarget, signal?: AbortSignal): Promise<Record<string, string>>;
  /** After an auth rejection: re-sync the clock or refresh the token; true when a retry may pass. */
  recover(error: OvhError, signal?: AbortSignal): Promise<boolean>;
}

/** Signed requests; the server time delta is fetched once and re-synced on INVALID_SIGNATURE. */
export class LegacyAuth implements OvhAuth {
  readonly kind = 'legacy';
  /** serverTime - localTime in seconds; null until the first call. */
  deltaS: number | null = null;

  constructor(
    private readonly credentials: LegacyCredentials,
    private readonly baseUrl: string,
    private readonly transport: OvhTransport,
    private readonly clock: Clock,
  ) {}

  async headers(target: AuthTarget, signal?: AbortSignal): Promise<Record<string, string>> {
    if (this.deltaS === null) await this.syncTime(signal);
    const timestamp = Math.round(this.clock.now() / 1000) + (this.deltaS ?? 0);
    const signature = signRequest({
      applicationSecret: this.credentials.applicationSecret.reveal(),
      consumerKey: this.credentials.consumerKey.reveal(),
      method: target.method,
      url: signatureUrl(this.baseUrl, target.pathAndQuery),
      body: target.body,
      timestamp,
    });
    return {
      'x-ovh-application': this.credentials.applicationKey,
      'x-ovh-consumer': this.credentials.consumerKey.reveal(),
      'x-ovh-timestamp': String(timestamp),
      'x-ovh-signature': signature,
    };
  }

  async recover(error: OvhError, signal?: AbortSignal): Promise<boolean> {
    const badSignature = error.errorCode === 'INVALID_SIGNATURE' || (error.status === 400 && /invalid signature/i.test(error.ovhMessage ?? ''));
    if (!badSignature) return false;
    await this.syncTime(signal);
    return true;
  }

  /** GET /auth/time (unauthenticated) and remember the delta. */
  async syncTime(signal?: AbortSignal): Promise<number> {
    const result = await this.transport.send({
      method: 'GET',
      url: `${this.baseUrl}/auth/time`,
      logPath: '/auth/time',
      headers: { accept: 'application/json', 'x-ovh-application': this.credentials.applicationKey },
      signal,
      attempt: 1,
    });
    if (typeof result.data !== 'number' || !Number.isInteger(result.data)) {
      throw new OvhError(
        'OVH_BAD_RESPONSE',
        { method: 'GET', path: '/auth/time', status: result.status, errorCode: null, errorClass: null, ovhMessage: 'server time is not an integer', queryId: result.queryId, attempt: 1, durationMs: 0 },
        { transient: true },
      );
    }
    this.deltaS = result.data - Math.round(this.clock.now() / 1000);
    return this.deltaS;
  }
}

const tokenAnswer = z.object({ access_token: z.string().min(1), expires_in: z.number().positive(), token_type: z.string().optional() });

/** OAuth2 client credentials: the token is fetched once, cached and refreshed before it expires. */
export class OAuth2Auth implements OvhAuth {
  readonly kind = 'oauth2';
  private token: { value: Secret; expiresAtMs: number; refreshAtMs: number } | null = null;
  /** The token before the current one: still redacted (a late echo of a call that carried it). */
  private previous: Secret | null = null;
  private pending: Promise<Secret> | null = null;

  constructor(
    private readonly credentials: OAuth2Credentials,
    private readonly tokenUrl: string,
    private readonly transport: OvhTransport,
    private readonly clock: Clock,
  ) {}

  async headers(_target: AuthTarget, signal?: AbortSignal): Promise<Record<string, string>> {
    const token = await this.currentToken(signal);
    return { authorization: `Bearer ${token.reveal()}` };
  }

  async recover(error: OvhError): Promise<boolean> {
    if (error.status !== 401 || error.path === this.tokenPath()) return false;
    this.retire();
    return true;
  }

  /** Milliseconds until the cached token expires; null when none is cached. */
  tokenExpiresInMs(): number | null {
    return this.token ? this.token.expiresAtMs - this.clock.now() : null;
  }

  async currentToken(signal?: AbortSignal): Promise<Secret> {
    if (this.token && this.clock.now() < this.token.refreshAtMs) return this.token.value;
    // Concurrent callers share one token request.
    this.pending ??= this.fetchToken(signal).finally(() => {
      this.pending = null;
    });
    return this.pending;
  }

  /** Drops the current token; the one before it stops being redacted (the registry stays small). */
  private retire(): void {
    if (this.token === null) return;
    this.previous?.forget();
    this.previous = this.token.value;
    this.token = null;
  }

  private tokenPath(): string {
    return new URL(this.tokenUrl).pathname;
  }

  private async fetchToken(signal?: AbortSignal): Promise<Secret> {
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: this.credentials.clientId,
      client_secret: this.credentials.clientSecret.reveal(),
      scope: 'all',
    });
    const result = await this.transport.send({
      method: 'POST',
      url: this.tokenUrl,
      logPath: this.tokenPath(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form.toString(),
      signal,
      attempt: 1,
      authEndpoint: true,
    });
    const parsed = tokenAnswer.safeParse(result.data);
    if (!parsed.success) {
      throw new OvhError(
        'OVH_BAD_RESPONSE',
        { method: 'POST', path: this.tokenPath(), status: result.status, errorCode: null, errorClass: null, ovhMessage: 'token answer lacks access_token/expires_in', queryId: result.queryId, attempt: 1, durationMs: 0 },
        { transient: true },
      );
    }
    const now = this.clock.now();
    const lifetimeMs = parsed.data.expires_in * 1000;
    // Refresh a minute early (or at half-life for short tokens) so no call carries a dying token.
    const margin = Math.min(60_000, lifetimeMs / 2);
    const value = new Secret(parsed.data.access_token);
    this.retire();
    this.token = { value, expiresAtMs: now + lifetimeMs, refreshAtMs: now + lifetimeMs - margin };
    return value;
  }
}
