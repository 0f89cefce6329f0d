// Rate limit for log lines caused by clients (dropped lines, refused or slow clients): a flood of
// garbage is counted in full but logged only a few times per window, then summed up once.
import type { Logger } from 'pino';

export interface LogLimiterOptions {
  /** Lines logged per window before the rest are only counted. */
  perWindow?: number;
  windowMs?: number;
}

/** Logs at warn level, at most `perWindow` lines per window, plus one summary of the suppressed. */
export class LogLimiter {
  private readonly perWindow: number;
  private readonly windowMs: number;
  private windowStart = -Infinity;
  private logged = 0;
  private suppressed = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly log: Logger,
    options: LogLimiterOptions = {},
  ) {
    this.perWindow = options.perWindow ?? 10;
    this.windowMs = options.windowMs ?? 10_000;
  }

  /** Logs `msg` with `fields` unless this window's budget is spent; returns whether it logged. */
  warn(fields: Record<string, unknown>, msg: string): boolean {
    const now = Date.now();
    if (now - this.windowStart >= this.windowMs) {
      this.flush();
      this.windowStart = now;
      this.logged = 0;
    }
    if (this.logged < this.perWindow) {
      this.logged++;
      this.log.warn(fields, msg);
      return true;
    }
    this.suppressed++;
    // The summary must come out even if the flood stops dead: a timer at the end of the window.
    this.timer ??= setTimeout(() => this.flush(), this.windowStart + this.windowMs - now).unref();
    return false;
  }

  /** Writes the summary of what this window suppressed, if anything; also called on close. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.suppressed === 0) return;
    this.log.warn({ suppressed: this.suppressed, windowMs: this.windowMs }, `suppressed ${this.suppressed} similar log lines`);
    this.suppressed = 0;
  }
}
