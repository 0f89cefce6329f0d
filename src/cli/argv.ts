// The argv parser behind the grammar table, after ospfctl's parse.c: command words may be cut to
// any unique prefix; an unknown or ambiguous word is answered with the valid choices; an option
// error names the option and the bad value.
import { CarpFailoverError } from '../errors.js';
import type { CommandSpec, OptionSpec } from './command-spec.js';

/** A command-line mistake; the CLI prints it with a hint and exits 64. */
export class UsageError extends CarpFailoverError {
  /** The command it concerns, for the hint ("see carp-failover status --help"). */
  readonly spec: CommandSpec | null;
  constructor(message: string, spec: CommandSpec | null = null, details: Record<string, unknown> = {}) {
    super('USAGE', message, { details });
    this.spec = spec;
  }
}

/** What the command line asks for. `spec` is null for bare `--help` or no command at all. */
export interface ParsedArgv {
  spec: CommandSpec | null;
  help: boolean;
  options: Record<string, string | number | boolean | undefined>;
  args: string[];
}

/** Parses argv (without node and the script) against the commands and the global options. */
export function parseArgv(argv: readonly string[], commands: readonly CommandSpec[], globals: readonly OptionSpec[]): ParsedArgv {
  const rest: string[] = [];
  let candidates = [...commands];
  let depth = 0;
  let resolved = false;
  let index = 0;
  // Phase 1: pick the command from the leading words; options wait for phase 2.
  for (; index < argv.length; index += 1) {
    const token = argv[index]!;
    if (token === '--') break;
    if (token.startsWith('-') && token !== '-') {
      rest.push(token);
      const option = findOption(token, globals);
      if (option !== undefined && option.type !== 'boolean' && !token.includes('=') && index + 1 < argv.length) rest.push(argv[(index += 1)]!);
      continue;
    }
    if (resolved) {
      rest.push(token);
      continue;
    }
    const longer = candidates.filter((spec) => spec.words.length > depth);
    const complete = candidates.find((spec) => spec.words.length === depth);
    if (longer.length === 0) {
      resolved = true;
      rest.push(token);
      continue;
    }
    const word = matchWord(token, longer.map((spec) => spec.words[depth]!), complete !== undefined, candidates[0]!.words.slice(0, depth));
    if (word === null) {
      resolved = true;
      rest.push(token);
      continue;
    }
    candidates = longer.filter((spec) => spec.words[depth] === word);
    depth += 1;
  }
  rest.push(...argv.slice(index));
  const spec = depth === 0 ? null : (candidates.find((candidate) => candidate.words.length === depth) ?? null);
  const wantsHelp = rest.some((token) => token === '--help' || token === '-h');
  if (depth > 0 && spec === null && !wantsHelp) {
    const prefix = candidates[0]!.words.slice(0, depth).join(' ');
    throw new UsageError(`incomplete command "${prefix}", valid: ${candidates.map((c) => c.words.join(' ')).join(', ')}`);
  }
  return parseOptions(rest, spec, globals, wantsHelp);
}

// Exact match wins; otherwise a unique prefix. `optional` is set when the words so far already
// form a command, so an unmatched word is its argument rather than an error.
function matchWord(token: string, words: string[], optional: boolean, before: string[]): string | null {
  const unique = [...new Set(words)];
  if (unique.includes(token)) return token;
  const matches = unique.filter((word) => word.startsWith(token));
  if (matches.length === 1) return matches[0]!;
  if (optional) return null;
  const where = before.length === 0 ? '' : ` after "${before.join(' ')}"`;
  if (matches.length > 1) throw new UsageError(`ambiguous command "${token}"${where}: ${matches.join(', ')}`);
  throw new UsageError(`unknown command "${token}"${where}, valid: ${unique.join(', ')}`);
}

function findOption(token: string, options: readonly OptionSpec[]): OptionSpec | undefined {
  if (token.startsWith('--')) {
    const name = token.slice(2).split('=')[0];
    return options.find((option) => option.name === name);
  }
  return options.find((option) => option.short !== undefined && token === `-${option.short}`);
}

function parseOptions(tokens: string[], spec: CommandSpec | null, globals: readonly OptionSpec[], help: boolean): ParsedArgv {
  const known = [...globals, ...(spec?.options ?? [])];
  const options: ParsedArgv['options'] = {};
  for (const option of known) if (option.default !== undefined) options[option.name] = option.default;
  const args: string[] = [];
  let onlyArgs = false;
  for (let i = 0; i < tokens.length; i += 1) {
    const token = tokens[i]!;
    if (onlyArgs || !token.startsWith('-') || token === '-') {
      args.push(token);
      continue;
    }
    if (token === '--') {
      onlyArgs = true;
      continue;
    }
    const option = findOption(token, known);
    const label = option === undefined ? token : `--${option.name}`;
    if (option === undefined) {
      const valid = known.map((o) => `--${o.name}`).join(', ');
      const where = spec === null ? '' : ` for "${spec.words.join(' ')}"`;
      throw new UsageError(`unknown option "${token.split('=')[0]}"${where}, valid: ${valid}`, spec, { option: token });
    }
    const inline = token.startsWith('--') && token.includes('=') ? token.slice(token.indexOf('=') + 1) : undefined;
    if (option.type === 'boolean') {
      if (inline !== undefined) throw new UsageError(`option ${label} takes no value (got "${inline}")`, spec, { option: label, value: inline });
      options[option.name] = true;
      continue;
    }
    const value = inline ?? tokens[(i += 1)];
    if (value === undefined) throw new UsageError(`option ${label} needs a value`, spec, { option: label });
    options[option.name] = convert(option, label, value, spec);
  }
  if (!help && spec !== null) {
    const allowed = spec.positional?.length ?? 0;
    if (args.length > allowed) {
      const takes = allowed === 0 ? 'takes no arguments' : `takes at most ${allowed} argument(s)`;
      throw new UsageError(`"${spec.words.join(' ')}" ${takes} (got ${args.map((a) => JSON.stringify(a)).join(' ')})`, spec);
    }
  }
  return { spec, help: help || options.help === true, options, args };
}

function convert(option: OptionSpec, label: string, value: string, spec: CommandSpec | null): string | number {
  if (option.type === 'string') {
    if (value === '') throw new UsageError(`option ${label}: the value must not be empty`, spec, { option: label, value });
    return value;
  }
  if (!/^-?\d+(\.\d+)?$/.test(value)) {
    throw new UsageError(`option ${label}: "${value}" is not a number`, spec, { option: label, value });
  }
  return Number(value);
}
