// SIGHUP as a transaction (ifstated's load_config): the new config, its resources and any socket
// it moves are built and bound first; only when all of that succeeded is the running service
// touched. Any failure leaves it running exactly as it was, logged and counted.
import type { Logger } from 'pino';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { CarpFailoverError, summarizeError } from '../errors.js';
import type { IfconfigReader } from '../host/freebsd/ifconfig-reader.js';
import type { Clock, Host } from '../host/ports.js';
import { hostForConfig } from '../host/run.js';
import { buildResources, reuseUnchanged, type BuiltResource } from '../resources/build.js';
import type { Service } from './create.js';
import type { MetricsListener } from './metrics-listener.js';
import { prepareSockets, type ControlSockets, type SocketDeps } from './sockets.js';

/** What a reload may replace: the daemon's running parts. */
export interface Running {
  configPath: string;
  service: Service;
  host: Host;
  built: BuiltResource[];
  sockets: ControlSockets;
  socketDeps: SocketDeps;
  metrics: MetricsListener;
  reader: IfconfigReader;
  clock: Clock;
  log: Logger;
}

/** One reload; true when applied. Never throws: a refusal is logged and counted. */
export async function reloadOnce(running: Running): Promise<boolean> {
  const { log, service } = running;
  const previous = service.config();
  let fresh: BuiltResource[] = [];
  try {
    const next = await loadConfig(running.configPath);
    refuseFixedChanges(previous, next);
    const host = previous.ospf.vtysh === next.ospf.vtysh ? running.host : hostForConfig(next);
    // Built in full before anything is swapped: an unsafe secrets file refuses the reload too.
    fresh = await buildResources(next, { host, clock: running.clock, log, reader: running.reader });
    const prepared = await prepareSockets(running.sockets, previous, next, running.socketDeps);
    // From here on nothing refuses the reload: the new parts are built and bound.
    const kept = reuseUnchanged(running.built, fresh);
    const used = new Set(kept.map((b) => b.resource));
    await Promise.allSettled(fresh.filter((b) => !used.has(b.resource)).map((b) => b.resource.close?.()));
    running.host = host;
    running.built = kept;
    await prepared.commit();
    running.sockets = prepared.sockets;
    log.level = next.log.level;
    service.replaceConfig(next, kept.map((b) => b.resource));
    await running.metrics.use(next.metrics.listen);
    log.info({ resources: kept.map((b) => b.resource.id) }, 'configuration reloaded');
    return true;
  } catch (error) {
    await Promise.allSettled(fresh.map((b) => b.resource.close?.()));
    service.reloadRefused();
    log.error({ err: summarizeError(error), config: running.configPath }, 'reload refused: the running configuration is kept');
    return false;
  }
}

/**
 * What a reload cannot change without a restart: the state directory holds our demotion record
 * and the instance lock, and the CARP observer and the demotion owner were built with these
 * commands at start; a reload that swapped them for the resources only would read CARP and write
 * GRE with different binaries.
 */
function refuseFixedChanges(previous: Config, next: Config): void {
  if (previous.state_dir !== next.state_dir) {
    throw new CarpFailoverError('CONFIG_INVALID', `state_dir changed from ${previous.state_dir} to ${next.state_dir}: restart the service to move it`);
  }
  if (JSON.stringify(previous.commands) !== JSON.stringify(next.commands)) {
    throw new CarpFailoverError('CONFIG_INVALID', 'commands (ifconfig, sysctl, timeout_ms) changed: restart the service to apply them');
  }
}

/** Serializes reloads and coalesces a burst: a SIGHUP during a reload runs one more afterwards. */
export class ReloadQueue {
  private wanted = false;
  private running: Promise<void> | null = null;

  constructor(private readonly reload: () => Promise<unknown>) {}

  /** Asks for a reload that reads the file after this call. */
  request(): void {
    this.wanted = true;
    this.running ??= this.drain();
  }

  /** Resolves when no reload runs or is wanted. */
  idle(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  private async drain(): Promise<void> {
    while (this.wanted) {
      this.wanted = false;
      await this.reload();
    }
    this.running = null;
  }
}
