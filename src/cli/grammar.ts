// The CLI grammar as a data table, like ospfctl's: every command is a CommandSpec; the parser
// (argv.ts) and the help text (help.ts) are driven by this table alone.
import { DEFAULT_CONFIG_PATH } from '../config/schema.js';
import { parseArgv, type ParsedArgv } from './argv.js';
import type { CommandSpec, OptionSpec } from './command-spec.js';
import { bootHoldCommand } from './commands/boot-hold.js';
import { checkConfigCommand } from './commands/check-config.js';
import { drainCommands } from './commands/drain.js';
import { historyCommand } from './commands/history.js';
import { ovhCommands } from './commands/ovh.js';
import { reconcileCommand } from './commands/reconcile.js';
import { releaseCommand } from './commands/release.js';
import { runCommand } from './commands/run.js';
import { statusCommand } from './commands/status.js';

/** Every command of the `carp-failover` bin, in the order --help lists them. */
export const COMMANDS: readonly CommandSpec[] = [
  runCommand,
  statusCommand,
  historyCommand,
  checkConfigCommand,
  reconcileCommand,
  ...drainCommands,
  releaseCommand,
  ...ovhCommands,
  bootHoldCommand,
];

/** Options every command accepts; -c defaults to $CARP_FAILOVER_CONFIG, then the built-in path. */
export function globalOptions(env: NodeJS.ProcessEnv): OptionSpec[] {
  const fromEnv = env.CARP_FAILOVER_CONFIG;
  return [
    {
      name: 'config',
      short: 'c',
      type: 'string',
      summary: 'configuration file ($CARP_FAILOVER_CONFIG overrides the built-in path)',
      default: fromEnv !== undefined && fromEnv !== '' ? fromEnv : DEFAULT_CONFIG_PATH,
    },
    { name: 'help', short: 'h', type: 'boolean', summary: 'show help (after a command: that command’s help)' },
  ];
}

/** Parses a command line against the table. */
export function parseCommandLine(argv: readonly string[], env: NodeJS.ProcessEnv, commands: readonly CommandSpec[] = COMMANDS): ParsedArgv {
  return parseArgv(argv, commands, globalOptions(env));
}
