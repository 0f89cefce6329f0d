// The optional Prometheus listener as the daemon keeps it: a port it cannot bind (taken by another
// listener, say) never stops or delays the service; it is logged, counted, shown in status and
// retried with backoff until it binds or the config changes.
import type { Logger } from 'pino';
import { summarizeError } from '../errors.js';
import type { Clock } from '../host/ports.js';
import { startMetricsServer, type MetricsServer } from '../status/metrics-server.js';
import type { MetricsListenerStatus, StatusReport } from '../status/model.js';

/** First retry after a failed bind; doubles up to RETRY_MAX_MS. */
const RETRY_FIRST_MS = 1000;
const RETRY_MAX_MS = 60_000;

export interface MetricsListenerOptions {
  clock: Clock;
  log: Logger;
  status: () => StatusReport;
  /** Called on every failed bind (the service counts it). */
  onFailure: () => void;
}

/** Keeps the metrics server listening on the configured address, retrying in the background. */
export class MetricsListener {
  private listen: string | null = null;
  private server: MetricsServer | null = null;
  private lastError: string | null = null;
  private nextRetryAt: number | null = null;
  private retryMs = RETRY_FIRST_MS;
  private cancelRetry: (() => void) | null = null;
  private generation = 0;
  private readonly log: Logger;

  constructor(private readonly options: MetricsListenerOptions) {
    this.log = options.log.child({ component: 'metrics' });
  }

  /** Listens on `listen` (null: none) from now on; resolves after the first attempt, never rejects. */
  async use(listen: string | null): Promise<void> {
    if (listen === this.listen && (this.server || this.cancelRetry)) return;
    await this.close();
    this.listen = listen;
    this.lastError = null;
    this.retryMs = RETRY_FIRST_MS;
    if (listen !== null) await this.attempt(++this.generation);
  }

  /** What status shows: null when no listener is configured. */
  status(): MetricsListenerStatus | null {
    if (this.listen === null) return null;
    const at = this.nextRetryAt;
    return { listen: this.listen, listening: this.server !== null, lastError: this.lastError, nextRetryAt: at === null ? null : new Date(at).toISOString() };
  }

  /** The bound port (tests ask for port 0), or null. */
  get port(): number | null {
    return this.server?.port ?? null;
  }

  async close(): Promise<void> {
    this.generation++;
    this.cancelRetry?.();
    this.cancelRetry = null;
    this.nextRetryAt = null;
    const server = this.server;
    this.server = null;
    await server?.close();
  }

  private async attempt(generation: number): Promise<void> {
    const listen = this.listen!;
    try {
      const server = await startMetricsServer({ listen, status: this.options.status, log: this.options.log });
      if (generation !== this.generation) return void (await server.close());
      this.server = server;
      this.lastError = null;
      this.nextRetryAt = null;
      this.retryMs = RETRY_FIRST_MS;
    } catch (error) {
      if (generation !== this.generation) return;
      const summary = summarizeError(error);
      this.lastError = summary.message;
      this.options.onFailure();
      const delay = this.retryMs;
      this.retryMs = Math.min(RETRY_MAX_MS, this.retryMs * 2);
      this.nextRetryAt = this.options.clock.now() + delay;
      this.log.error({ err: summary, retryInMs: delay }, 'metrics listener cannot bind; the service runs on without it and retries');
      this.cancelRetry = this.options.clock.setTimer(delay, () => {
        this.cancelRetry = null;
        void this.attempt(generation);
      });
    }
  }
}
