// `carp-failover run`: the daemon itself, in the foreground (rc.d wraps it in daemon(8)).
import { runDaemon } from '../../daemon.js';
import type { CommandSpec } from '../command-spec.js';
import { configPathOf } from './context.js';

/** Starts the service and returns its exit status when it stops. */
export const runCommand: CommandSpec = {
  words: ['run'],
  summary: 'run the service in the foreground (rc.d starts it under daemon(8))',
  options: [],
  run: (ctx) => runDaemon({ configPath: configPathOf(ctx) }),
};
