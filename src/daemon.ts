// The daemon: the process around one service. Signal handlers first (a SIGHUP or SIGTERM at any
// moment of start-up is handled, never fatal), then the config, then the single-instance lock —
// won before anything is written — then the real ports, the service (src/service/create.ts),
// its sockets and metrics listener, and the engine. SIGHUP reloads as a transaction
// (src/service/reload.ts), serialized; SIGTERM/SIGINT stop cleanly, a second one included.
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import { loadConfig } from './config/load.js';
import type { Config } from './config/schema.js';
import { takeEarlySignals } from './early-signals.js';
import { summarizeError } from './errors.js';
import { EXIT } from './exit-codes.js';
import { createCronTicker } from './engine/ticker.js';
import { FlagStore } from './flags/store.js';
import { FreeBsdDemotion } from './host/freebsd/demotion.js';
import { createCarpObserver } from './host/freebsd/observer.js';
import { systemClock } from './host/ports.js';
import { hostForConfig } from './host/run.js';
import { prepareTrustedDirectories } from './host/trusted-directory.js';
import { createLogger } from './logging.js';
import { probesFrom } from './election/probes.js';
import { buildResources } from './resources/build.js';
import { createService, type Service } from './service/create.js';
import { acquireInstanceLock, type InstanceLock } from './service/instance-lock.js';
import { MetricsListener } from './service/metrics-listener.js';
import { ReloadQueue, reloadOnce, type Running } from './service/reload.js';
import { closeSockets, openSockets } from './service/sockets.js';
import { JOURNAL_FILE } from './status/journal.js';
import { checkJournalSpace } from './status/journal-space.js';

export interface DaemonOptions {
  configPath: string;
  /** Where log lines go (tests); stdout by default, which daemon(8) sends to syslog. */
  logDestination?: NodeJS.WritableStream;
}

/** Runs the service until SIGTERM/SIGINT; resolves with the exit status. */
export function runDaemon(options: DaemonOptions): Promise<number> {
  return new Daemon(options).run();
}

/** A start-up failure's exit status: 75 when another instance runs, 78 for an unsafe path or config. */
function exitFor(code: string): number {
  if (code === 'SOCKET_IN_USE') return EXIT.TEMPFAIL;
  return code === 'PATH_UNSAFE' || code === 'CONFIG_INVALID' ? EXIT.CONFIG : EXIT.SOFTWARE;
}

/** Demotion reasons released on a clean stop; maintenance (drain) stays: it is the operator's, and failback: a restart must not end a hold. */
const RELEASED_ON_STOP = ['boot', 'readiness', 'path'] as const;
const SIGNALS = ['SIGHUP', 'SIGTERM', 'SIGINT'] as const;

class Daemon {
  private log: Logger | null = null;
  private lock: InstanceLock | null = null;
  private service: Service | null = null;
  private demotion: FreeBsdDemotion | null = null;
  private running: Running | null = null;
  private metrics: MetricsListener | null = null;
  private stopSignal: NodeJS.Signals | null = null;
  private stopping: Promise<number> | null = null;
  /** True once start-up is complete: only then is a SIGHUP applied at once. */
  private up = false;
  private reloadWanted = false;
  private readonly reloads = new ReloadQueue(() => (this.running ? reloadOnce(this.running) : Promise.resolve()));
  private wakeStop: () => void = () => undefined;
  private readonly onSignal = (signal: NodeJS.Signals) => this.handleSignal(signal);

  constructor(private readonly options: DaemonOptions) {
    // Before anything can fail: a signal during start-up must never kill the process by default.
    for (const signal of SIGNALS) process.on(signal, this.onSignal);
    for (const signal of takeEarlySignals()) this.handleSignal(signal);
  }

  async run(): Promise<number> {
    let config: Config;
    try {
      config = await loadConfig(this.options.configPath);
    } catch (error) {
      process.stderr.write(`carp-failover: ${(error as Error).message}\n`);
      return this.exit(EXIT.CONFIG);
    }
    const log = (this.log = createLogger(config.log.level, this.options.logDestination as never));
    try {
      await this.start(config, log);
    } catch (error) {
      const summary = summarizeError(error);
      log.fatal({ err: summary }, 'cannot start');
      process.stderr.write(`carp-failover: cannot start: ${summary.message}\n`);
      await this.shutDown();
      return this.exit(exitFor(summary.code));
    }
    if (this.stopSignal === null) {
      log.info({ node: config.node, pid: process.pid, config: this.options.configPath, vhids: config.carp.vhids, resources: this.running!.built.map((b) => b.resource.id) }, 'carp-failover running');
      this.up = true;
      if (this.reloadWanted) this.reloads.request(); // a SIGHUP that came during start-up
      await new Promise<void>((resolve) => (this.wakeStop = resolve));
    }
    return this.stopNow();
  }

  /** Lock, ports, service, sockets, metrics, engine: each step only once the one before succeeded. */
  private async start(config: Config, log: Logger): Promise<void> {
    // Directories first (StrictModes): a state or socket directory another user can write is
    // refused before the lock file, the demotion record or a socket is created in it.
    await prepareTrustedDirectories([
      { dir: config.state_dir, what: 'state directory', mode: 0o750 },
      { dir: dirname(config.sockets.intake.path), what: 'intake socket directory', mode: 0o755 },
      { dir: dirname(config.sockets.status.path), what: 'status socket directory', mode: 0o755 },
    ]);
    // Nothing is written before the lock is ours: a second instance leaves every file and the kernel alone.
    this.lock = await acquireInstanceLock(config.state_dir);
    if (this.stopSignal) return;
    await checkJournalSpace(config.state_dir, JOURNAL_FILE, config.journal.max_bytes, config.journal.keep);
    const host = hostForConfig(config);
    const carp = createCarpObserver(host, config.commands.ifconfig, { timeoutMs: config.commands.timeout_ms });
    const demotion = new FreeBsdDemotion({ host, sysctl: config.commands.sysctl, stateDir: config.state_dir, log, timeoutMs: config.commands.timeout_ms });
    const built = await buildResources(config, { host, clock: systemClock, log, reader: carp.reader });
    const flags = await FlagStore.open({ stateDir: config.state_dir, log, periodMs: config.reconcile.period_s * 1000 });
    const ports = { clock: systemClock, log, carp, demotion, ticker: createCronTicker({ log }), flags, resources: built.map((b) => b.resource), configPath: this.options.configPath, probeFor: probesFrom(() => this.service?.config() ?? config, () => hostForConfig(this.service?.config() ?? config)) };
    const service = (this.service = createService(config, { ...ports, metrics: () => this.metrics?.status() ?? null }));
    const socketDeps = { api: service.api, log, followed: () => service.config().carp.vhids };
    const sockets = await openSockets(config, socketDeps);
    const metrics = (this.metrics = new MetricsListener({ clock: systemClock, log, status: () => service.report(), onFailure: () => service.engine.increment('metricsListenFailures') }));
    this.running = { configPath: this.options.configPath, service, host, built, sockets, socketDeps, metrics, reader: carp.reader, clock: systemClock, log };
    if (this.stopSignal) return;
    await metrics.use(config.metrics.listen);
    this.demotion = demotion;
    await service.start();
  }

  private handleSignal(signal: NodeJS.Signals): void {
    if (signal === 'SIGHUP') {
      if (this.stopSignal) return;
      if (this.up) this.reloads.request();
      else this.reloadWanted = true;
      return;
    }
    if (this.stopSignal) {
      this.log?.warn({ signal }, 'already stopping: the clean-up continues');
      return;
    }
    this.stopSignal = signal;
    this.log?.info({ signal }, 'signal received');
    this.wakeStop();
  }

  /** The clean stop: waits for a reload in flight, then shuts down; 0 when everything closed. */
  private stopNow(): Promise<number> {
    this.stopping ??= (async () => {
      await this.reloads.idle();
      this.log?.info('stopping');
      const clean = await this.shutDown();
      this.log?.info('stopped');
      return this.exit(clean ? EXIT.OK : EXIT.SOFTWARE);
    })();
    return this.stopping;
  }

  /** Closes whatever was opened, in reverse order; releases demotion only if the engine started. */
  private async shutDown(): Promise<boolean> {
    let clean = true;
    const attempt = async (what: string, fn: () => Promise<unknown>) => {
      try {
        await fn();
      } catch (error) {
        clean = false;
        this.log?.error({ err: summarizeError(error) }, `unclean stop: ${what}`);
      }
    };
    await attempt('engine', async () => this.service?.stop());
    await attempt('sockets', () => closeSockets(this.running?.sockets ?? null));
    await attempt('metrics', async () => this.metrics?.close());
    if (this.service?.started && this.demotion) await this.releaseDemotion(this.demotion);
    await attempt('lock', async () => this.lock?.release());
    return clean;
  }

  private async releaseDemotion(demotion: FreeBsdDemotion): Promise<void> {
    for (const reason of RELEASED_ON_STOP) {
      try {
        await demotion.set(reason, 0);
      } catch (error) {
        this.log?.error({ err: summarizeError(error), reason }, 'could not release our demotion on stop; it is recorded and resolved at the next start');
      }
    }
  }

  private exit(code: number): number {
    for (const signal of SIGNALS) process.off(signal, this.onSignal);
    return code;
  }
}
