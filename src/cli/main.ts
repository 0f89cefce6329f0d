// The CLI as a function of (argv, io, env) → exit status, so tests run it in-process; bin.ts
// only binds it to the real process. Everything thrown ends here as one line and a sysexits code.
import { CarpFailoverError } from '../errors.js';
import { UsageError } from './argv.js';
import { exitStatusOf } from './client.js';
import type { CliIo, CommandSpec } from './command-spec.js';
import { EXIT } from '../exit-codes.js';
import { sanitize } from './format-text.js';
import { COMMANDS, globalOptions, parseCommandLine } from './grammar.js';
import { commandHelp, globalHelp, usageLine } from './help.js';

/** Runs one CLI invocation and resolves with the exit status; never throws. */
export async function runCli(argv: readonly string[], io: CliIo, env: NodeJS.ProcessEnv, commands: readonly CommandSpec[] = COMMANDS): Promise<number> {
  const globals = globalOptions(env);
  try {
    const parsed = parseCommandLine(argv, env, commands);
    if (parsed.help) {
      io.stdout(parsed.spec === null ? globalHelp(commands, globals) : commandHelp(parsed.spec, globals));
      return EXIT.OK;
    }
    if (parsed.spec === null) {
      io.stderr(globalHelp(commands, globals));
      return EXIT.USAGE;
    }
    return await parsed.spec.run({ options: parsed.options, args: parsed.args, io, env });
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`carp-failover: ${sanitize(error.message)}\n`);
      io.stderr(error.spec === null ? 'run "carp-failover --help" for the commands\n' : `usage: ${usageLine(error.spec)}\n`);
      return EXIT.USAGE;
    }
    if (error instanceof CarpFailoverError) {
      const message = sanitize(error.message);
      io.stderr(message.startsWith('carp-failover ') ? `${message}\n` : `carp-failover: ${message}\n`);
      return exitStatusOf(error);
    }
    io.stderr(`carp-failover: internal error: ${sanitize(error instanceof Error ? (error.stack ?? error.message) : String(error))}\n`);
    return EXIT.SOFTWARE;
  }
}
