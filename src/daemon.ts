// The daemon: wiring only (config, ports, engine, sockets, signals). Filled in by the spine.
import { CarpFailoverError } from './errors.js';

export interface DaemonOptions {
  configPath: string;
}

/** Runs the service until SIGTERM/SIGINT; resolves with the exit status. */
export async function runDaemon(options: DaemonOptions): Promise<number> {
  throw new CarpFailoverError('INTERNAL', `the daemon is not wired yet (config ${options.configPath})`);
}
