// The daemon: wiring only. Loads the config, builds the ports, starts the sockets (which also
// refuse a second instance), then the engine; SIGHUP reloads, SIGTERM/SIGINT stop cleanly.
import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import { EXIT } from './exit-codes.js';
import { loadConfig } from './config/load.js';
import type { Config } from './config/schema.js';
import { startIntakeSocket } from './events/intake-socket.js';
import type { SocketServer } from './control/socket-server.js';
import { startStatusSocket } from './control/status-socket.js';
import { Engine } from './engine/engine.js';
import { createCronTicker } from './engine/ticker.js';
import { CarpFailoverError, summarizeError } from './errors.js';
import { FlagStore } from './flags/store.js';
import { systemClock, type Host } from './host/ports.js';
import { createHost } from './host/run.js';
import { prepareTrustedDirectories } from './host/trusted-directory.js';
import { createLogger } from './logging.js';
import { buildResources, reuseUnchanged, type BuiltResource } from './resources/build.js';
import { FreeBsdDemotion } from './host/freebsd/demotion.js';
import type { IfconfigReader } from './host/freebsd/ifconfig-reader.js';
import { createCarpObserver } from './host/freebsd/observer.js';
import { createServiceApi, buildReport, type ServiceParts } from './service.js';
import { Journal, JOURNAL_FILE } from './status/journal.js';
import { checkJournalSpace } from './status/journal-space.js';
import { startMetricsServer, type MetricsServer } from './status/metrics-server.js';

export interface DaemonOptions {
  configPath: string;
  /** Where log lines go (tests); stdout by default, which daemon(8) sends to syslog. */
  logDestination?: NodeJS.WritableStream;
}

/** Runs the service until SIGTERM/SIGINT; resolves with the exit status. */
export async function runDaemon(options: DaemonOptions): Promise<number> {
  let config: Config;
  try {
    config = await loadConfig(options.configPath);
  } catch (error) {
    process.stderr.write(`carp-failover: ${(error as Error).message}\n`);
    return EXIT.CONFIG;
  }
  const log = createLogger(config.log.level, options.logDestination as never);
  const daemon = new Daemon(options.configPath, config, log);
  try {
    await daemon.start();
  } catch (error) {
    const summary = summarizeError(error);
    log.fatal({ err: summary }, 'cannot start');
    process.stderr.write(`carp-failover: cannot start: ${summary.message}\n`);
    await daemon.stop().catch(() => undefined);
    if (summary.code === 'SOCKET_IN_USE') return EXIT.TEMPFAIL;
    return summary.code === 'PATH_UNSAFE' || summary.code === 'CONFIG_INVALID' ? EXIT.CONFIG : EXIT.SOFTWARE;
  }
  return daemon.untilStopped();
}

/** Demotion reasons released on a clean stop; maintenance (drain) stays: it is the operator's. */
const RELEASED_ON_STOP = ['boot', 'readiness'] as const;

class Daemon {
  private engine: Engine | null = null;
  private built: BuiltResource[] = [];
  private statusSocket: SocketServer | null = null;
  private intakeSocket: SocketServer | null = null;
  private metrics: MetricsServer | null = null;
  private flags: FlagStore | null = null;
  private demotion: FreeBsdDemotion | null = null;
  private host: Host;
  /** The CARP observer's ifconfig reader, shared with the GRE resources (one libxo probe). */
  private reader: IfconfigReader | null = null;
  private loadedAt = new Date().toISOString();
  private reloads = 0;
  private reloadFailures = 0;
  private stopping: Promise<void> | null = null;
  private resolveStopped: (code: number) => void = () => undefined;
  private readonly stopped = new Promise<number>((resolve) => (this.resolveStopped = resolve));
  private readonly onSignal = (signal: NodeJS.Signals) => this.handleSignal(signal);

  constructor(
    private readonly configPath: string,
    private config: Config,
    private readonly log: Logger,
  ) {
    this.host = hostFor(config);
  }

  async start(): Promise<void> {
    const { config, log } = this;
    await prepareTrustedDirectories([
      { dir: config.state_dir, what: 'state directory', mode: 0o750 },
      { dir: dirname(config.sockets.intake.path), what: 'intake socket directory', mode: 0o755 },
      { dir: dirname(config.sockets.status.path), what: 'status socket directory', mode: 0o755 },
    ]);
    await checkJournalSpace(config.state_dir, JOURNAL_FILE, config.journal.max_bytes, config.journal.keep);
    const flags = (this.flags = await FlagStore.open({ stateDir: config.state_dir, log, periodMs: config.reconcile.period_s * 1000 }));
    const carp = createCarpObserver(this.host, config.commands.ifconfig, { timeoutMs: config.commands.timeout_ms });
    this.demotion = new FreeBsdDemotion({ host: this.host, sysctl: config.commands.sysctl, stateDir: config.state_dir, log, timeoutMs: config.commands.timeout_ms });
    this.reader = carp.reader;
    this.built = await buildResources(config, { host: this.host, clock: systemClock, log, reader: carp.reader });
    const journal = Journal.fromConfig(config, log);
    const engine = (this.engine = new Engine({
      config,
      clock: systemClock,
      log,
      carp,
      demotion: this.demotion,
      resources: this.built.map((b) => b.resource),
      journal,
      flags: () => flags.get(),
      ticker: createCronTicker({ log }),
    }));
    const parts = this.serviceParts();
    const api = createServiceApi(parts);
    // The sockets come first: they refuse to start while another instance answers, and that
    // must be found out before this process touches the demotion counter.
    this.statusSocket = await startStatusSocket({ ...statusSocketOptions(config), api, log });
    this.intakeSocket = await startIntakeSocket({ ...intakeSocketOptions(config), followed: () => this.config.carp.vhids, api, log });
    process.on('SIGHUP', this.onSignal);
    process.on('SIGTERM', this.onSignal);
    process.on('SIGINT', this.onSignal);
    flags.onChange((change) => engine.requestReconcile(`flag ${JSON.stringify(change)}`));
    await engine.start();
    await this.startMetrics();
    log.info({ node: config.node, pid: process.pid, config: this.configPath, vhids: config.carp.vhids, resources: this.built.map((b) => b.resource.id) }, 'carp-failover running');
  }

  untilStopped(): Promise<number> {
    return this.stopped;
  }

  /** Finishes the step in progress, releases boot/readiness demotion, closes everything. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      process.off('SIGHUP', this.onSignal);
      this.log.info('stopping');
      await this.engine?.stop();
      await Promise.allSettled([this.statusSocket?.close(), this.intakeSocket?.close(), this.metrics?.close(), this.flags?.close()]);
      if (this.engine) await this.releaseDemotion();
      this.log.info('stopped');
    })();
    return this.stopping;
  }

  private handleSignal(signal: NodeJS.Signals): void {
    if (signal === 'SIGHUP') {
      void this.reload();
      return;
    }
    if (this.stopping) {
      this.log.warn({ signal }, 'second signal while stopping: exiting now');
      process.exit(EXIT.SOFTWARE);
    }
    this.log.info({ signal }, 'signal received');
    void this.stop().then(
      () => this.resolveStopped(EXIT.OK),
      (error: unknown) => {
        this.log.error({ err: summarizeError(error) }, 'unclean stop');
        this.resolveStopped(EXIT.SOFTWARE);
      },
    );
  }

  /** SIGHUP: build the new config fully; swap only on success; keep what did not change. */
  async reload(): Promise<void> {
    const { log } = this;
    const engine = this.engine!;
    let next: Config;
    let host = this.host;
    let fresh: BuiltResource[];
    try {
      next = await loadConfig(this.configPath);
      refuseFixedChanges(this.config, next);
      if (this.config.ospf.vtysh !== next.ospf.vtysh) host = hostFor(next);
      // Built in full before anything is swapped: an unsafe secrets file refuses the reload too.
      fresh = await buildResources(next, { host, clock: systemClock, log, reader: this.reader! });
    } catch (error) {
      this.reloadFailures++;
      engine.increment('configReloadFailures');
      log.error({ err: summarizeError(error), config: this.configPath }, 'reload refused: the running configuration is kept');
      return;
    }
    const previous = this.config;
    this.host = host;
    const kept = reuseUnchanged(this.built, fresh);
    const used = new Set(kept.map((b) => b.resource));
    await Promise.allSettled(fresh.filter((b) => !used.has(b.resource)).map((b) => b.resource.close?.()));
    this.config = next;
    this.built = kept;
    this.log.level = next.log.level;
    await this.restartChangedListeners(previous, next);
    engine.replaceConfig(next, kept.map((b) => b.resource));
    this.reloads++;
    this.loadedAt = new Date().toISOString();
    engine.increment('configReloads');
    log.info({ resources: kept.map((b) => b.resource.id) }, 'configuration reloaded');
  }

  private async restartChangedListeners(previous: Config, next: Config): Promise<void> {
    const api = createServiceApi(this.serviceParts());
    if (JSON.stringify(statusSocketOptions(previous)) !== JSON.stringify(statusSocketOptions(next))) {
      await this.statusSocket?.close();
      this.statusSocket = await startStatusSocket({ ...statusSocketOptions(next), api, log: this.log });
    }
    if (JSON.stringify(intakeSocketOptions(previous)) !== JSON.stringify(intakeSocketOptions(next))) {
      await this.intakeSocket?.close();
      this.intakeSocket = await startIntakeSocket({ ...intakeSocketOptions(next), followed: () => this.config.carp.vhids, api, log: this.log });
    }
    if (previous.metrics.listen !== next.metrics.listen) {
      await this.metrics?.close();
      this.metrics = null;
      await this.startMetrics();
    }
  }

  private async startMetrics(): Promise<void> {
    const listen = this.config.metrics.listen;
    if (listen === null) return;
    const parts = this.serviceParts();
    this.metrics = await startMetricsServer({ listen, status: () => buildReport(parts), log: this.log });
  }

  private async releaseDemotion(): Promise<void> {
    for (const reason of RELEASED_ON_STOP) {
      try {
        await this.demotion?.set(reason, 0);
      } catch (error) {
        this.log.error({ err: summarizeError(error), reason }, 'could not release our demotion on stop; it is recorded and resolved at the next start');
      }
    }
  }

  private serviceParts(): ServiceParts {
    return {
      engine: () => this.engine!,
      flags: this.flags!,
      configInfo: () => ({ path: this.configPath, loadedAt: this.loadedAt, reloads: this.reloads, reloadFailures: this.reloadFailures }),
      log: this.log,
    };
  }
}

function hostFor(config: Config): Host {
  return createHost({ allowed: [config.commands.ifconfig, config.commands.sysctl, config.ospf.vtysh], defaultTimeoutMs: config.commands.timeout_ms });
}

function statusSocketOptions(config: Config) {
  const s = config.sockets;
  return { path: s.status.path, mode: s.status.mode, group: s.status.group, maxClients: s.max_clients, idleTimeoutMs: s.idle_timeout_ms };
}

function intakeSocketOptions(config: Config) {
  const s = config.sockets;
  return { path: s.intake.path, mode: s.intake.mode, maxClients: s.max_clients, idleTimeoutMs: s.idle_timeout_ms };
}

/**
 * What a reload cannot change without a restart: the state directory holds our demotion record,
 * and the CARP observer and the demotion owner were built with these commands at start; a
 * reload that swapped them for the resources only would read CARP and write GRE with different
 * binaries.
 */
function refuseFixedChanges(previous: Config, next: Config): void {
  if (previous.state_dir !== next.state_dir) {
    throw new CarpFailoverError('CONFIG_INVALID', `state_dir changed from ${previous.state_dir} to ${next.state_dir}: restart the service to move it`);
  }
  if (JSON.stringify(previous.commands) !== JSON.stringify(next.commands)) {
    throw new CarpFailoverError('CONFIG_INVALID', 'commands (ifconfig, sysctl, timeout_ms) changed: restart the service to apply them');
  }
}
