// The CLI grammar is a data table of CommandSpec (src/cli/grammar.ts), like ospfctl's.
// Each command module exports its specs; the grammar collects them.

export interface OptionSpec {
  /** Long name without dashes: "json", "config", "timeout". */
  name: string;
  short?: string;
  /** boolean flags take no value. */
  type: 'boolean' | 'string' | 'number';
  summary: string;
  default?: string | number | boolean;
}

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** True when stdout is a terminal (tables and colour only then). */
  isTTY: boolean;
}

export interface CommandContext {
  /** Parsed options by long name. */
  options: Record<string, string | number | boolean | undefined>;
  /** Positional words after the command words. */
  args: string[];
  io: CliIo;
  env: NodeJS.ProcessEnv;
}

export interface CommandSpec {
  /** The words that select the command: ["status"], ["ovh", "vmac", "create"]. */
  words: string[];
  summary: string;
  options: OptionSpec[];
  /** Positional argument names for the usage line. */
  positional?: string[];
  /** Returns the exit status (src/exit-codes.ts). */
  run(ctx: CommandContext): Promise<number>;
}
