// The path-check scheduler: each check probes on its own timer, off the failover path. The engine
// never awaits a probe: it reads the verdicts (demotion(), pending()) after each run, and a
// verdict that changes asks it for a run. One probe per check at a time: the next probe of a
// check is scheduled only once the previous one has settled, even when it outlived its timeout.
//
// No flapping when both routers lose the same path: each probes on its own phase, so one learns
// up to an interval before the other. A change that could move MASTER therefore waits one more
// result than one that cannot: the MASTER goes down after fall + 1 failures (the BACKUP after
// fall), and the BACKUP comes back after rise + 1 successes (the MASTER after rise). With the
// same check on both routers, the BACKUP has always added its share before the MASTER adds the
// same, and the MASTER has always removed it before the BACKUP does: the order never moves.
import type { Logger } from 'pino';
import type { PathCheckConfig } from '../config/schema-election.js';
import type { Clock } from '../host/ports.js';
import { isoTime } from '../status/model.js';
import type { PathCheckStatus } from './check-status.js';
import { INITIAL, step, type CheckState, type Hysteresis } from './hysteresis.js';
import { failedResult, type Probe, type ProbeResult } from './probe.js';

/** A verdict that moved, for the engine (a run) and the journal. */
export interface CheckChange {
  name: string;
  from: CheckState;
  to: CheckState;
  detail: string;
  at: number;
}

export interface PathChecksOptions {
  clock: Clock;
  log: Logger;
  /** Builds the probe of a check (src/election/probes.ts in the daemon, fakes in tests). */
  probeFor: (check: PathCheckConfig) => Probe;
  onChange: (change: CheckChange) => void;
  /** This node is MASTER now (unknown counts as MASTER: the slower, safer side). */
  leading?: () => boolean;
}

/** Largest path demotion we ask for: the Demotion port takes 0..1000 per reason. */
export const MAX_PATH_DEMOTION = 1000;

/** Every configured check, each on its own timer. */
export class PathChecks {
  private runners = new Map<string, CheckRunner>();
  private started = false;

  constructor(private readonly options: PathChecksOptions, checks: readonly PathCheckConfig[]) {
    for (const check of checks) this.runners.set(check.name, new CheckRunner(check, options));
  }

  /** Starts every check: each probes now, then every interval_ms. */
  start(): void {
    this.started = true;
    for (const runner of this.runners.values()) runner.start();
  }

  /** Stops the timers and waits for the probes in flight (aborted) to settle. */
  async stop(): Promise<void> {
    this.started = false;
    await Promise.all([...this.runners.values()].map((r) => r.stop()));
  }

  /** A reload: unchanged checks keep their state and timer, others start afresh. */
  async replace(checks: readonly PathCheckConfig[]): Promise<void> {
    const next = new Map<string, CheckRunner>();
    const retired: CheckRunner[] = [];
    for (const check of checks) {
      const old = this.runners.get(check.name);
      if (old && JSON.stringify(old.check) === JSON.stringify(check)) next.set(check.name, old);
      else next.set(check.name, new CheckRunner(check, this.options));
    }
    for (const [name, runner] of this.runners) if (next.get(name) !== runner) retired.push(runner);
    this.runners = next;
    await Promise.all(retired.map((r) => r.stop()));
    if (this.started) for (const runner of next.values()) if (!runner.running) runner.start();
  }

  /** Our path demotion now: the weights of the checks that are down. */
  demotion(): number {
    let sum = 0;
    for (const runner of this.runners.values()) if (runner.h.state === 'down') sum += runner.check.weight;
    return Math.min(MAX_PATH_DEMOTION, sum);
  }

  /** Checks without a verdict yet: the boot hold-down waits for them. */
  pending(): string[] {
    return [...this.runners.values()].filter((r) => r.h.state === 'pending').map((r) => r.check.name);
  }

  status(): PathCheckStatus[] {
    return [...this.runners.values()].map((r) => r.status());
  }
}

class CheckRunner {
  h: Hysteresis = INITIAL;
  running = false;
  private readonly probe: Probe;
  private cancelTimer: (() => void) | null = null;
  private inFlight: Promise<void> | null = null;
  private controller: AbortController | null = null;
  private last: PathCheckStatus['lastResult'] = null;
  private lastChangeAt: number | null = null;
  private probes = 0;
  private failures = 0;

  constructor(
    readonly check: PathCheckConfig,
    private readonly options: PathChecksOptions,
  ) {
    this.probe = options.probeFor(check);
  }

  start(): void {
    this.running = true;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    this.cancelTimer?.();
    this.cancelTimer = null;
    this.controller?.abort();
    await this.inFlight;
  }

  private schedule(delayMs: number): void {
    this.cancelTimer = this.options.clock.setTimer(delayMs, () => {
      this.cancelTimer = null;
      if (this.running && this.inFlight === null) this.inFlight = this.probeOnce().finally(() => (this.inFlight = null));
    });
  }

  private async probeOnce(): Promise<void> {
    const { clock, log } = this.options;
    const started = clock.now();
    const controller = (this.controller = new AbortController());
    let settleTimeout: (result: ProbeResult) => void = () => undefined;
    const timedOut = new Promise<ProbeResult>((resolve) => (settleTimeout = resolve));
    const cancelTimeout = clock.setTimer(this.check.timeout_ms, () => {
      controller.abort();
      settleTimeout({ ok: false, detail: `no result within ${this.check.timeout_ms} ms` });
    });
    const probing = this.probe(controller.signal).catch(failedResult);
    const result = await Promise.race([probing, timedOut]);
    cancelTimeout();
    if (!this.running) return void (await probing);
    this.record(result, started, clock.now());
    // The next probe only once this one has settled: never two at a time for one check.
    await probing;
    this.controller = null;
    if (!this.running) return;
    log.trace({ check: this.check.name, ok: result.ok, state: this.h.state }, 'path check probed');
    this.schedule(Math.max(0, this.check.interval_ms - (clock.now() - started)));
  }

  private record(result: ProbeResult, started: number, now: number): void {
    const leading = this.options.leading?.() ?? true;
    const next = step(this.h, result.ok, this.check.fall + (leading ? 1 : 0), this.check.rise + (leading ? 0 : 1));
    const from = this.h.state;
    this.h = { state: next.state, streak: next.streak };
    this.probes++;
    if (!result.ok) this.failures++;
    this.last = { ok: result.ok, detail: result.detail, at: isoTime(now), durationMs: now - started };
    if (!next.changed) return;
    this.lastChangeAt = now;
    const log = this.options.log;
    const line = { check: this.check.name, from, to: next.state, detail: result.detail, weight: this.check.weight };
    if (next.state === 'down') log.warn(line, 'path check DOWN: adding its weight to the path demotion');
    else log.info(line, 'path check up');
    this.options.onChange({ name: this.check.name, from, to: next.state, detail: result.detail, at: now });
  }

  status(): PathCheckStatus {
    const c = this.check;
    return {
      name: c.name,
      type: c.type,
      target: describeTarget(c),
      state: this.h.state,
      streak: this.h.streak,
      fall: c.fall,
      rise: c.rise,
      weight: c.weight,
      demotion: this.h.state === 'down' ? c.weight : 0,
      lastResult: this.last ? { ...this.last } : null,
      lastChangeAt: isoTime(this.lastChangeAt),
      probing: this.inFlight !== null,
      probes: this.probes,
      failures: this.failures,
    };
  }
}

/** One line naming what a check probes. */
export function describeTarget(check: PathCheckConfig): string {
  switch (check.type) {
    case 'icmp':
      return check.source === null ? check.target : `${check.target} from ${check.source}`;
    case 'tcp':
      return check.host.includes(':') ? `[${check.host}]:${check.port}` : `${check.host}:${check.port}`;
    case 'route':
      return check.protocol === null ? check.prefix : `${check.prefix} (${check.protocol})`;
  }
}
