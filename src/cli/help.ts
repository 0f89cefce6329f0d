// --help text, generated from the grammar table so it cannot drift from what the parser accepts.
import type { CommandSpec, OptionSpec } from './command-spec.js';

const PROGRAM = 'carp-failover';

/** `carp-failover --help`: every command and the global options. */
export function globalHelp(commands: readonly CommandSpec[], globals: readonly OptionSpec[]): string {
  const width = Math.max(...commands.map((spec) => spec.words.join(' ').length));
  const lines = [
    `usage: ${PROGRAM} [-c FILE] <command> [options]`,
    '',
    'Makes GRE tunnels, OSPF costs and the OVHcloud failover IP follow FreeBSD CARP.',
    'Commands may be abbreviated to any unique prefix (st → status).',
    '',
    'commands:',
    ...commands.map((spec) => `  ${spec.words.join(' ').padEnd(width)}  ${spec.summary}`),
    '',
    'global options:',
    ...optionLines(globals),
    '',
    `Run "${PROGRAM} <command> --help" for a command's options.`,
  ];
  return `${lines.join('\n')}\n`;
}

/** `carp-failover <command> --help`. */
export function commandHelp(spec: CommandSpec, globals: readonly OptionSpec[]): string {
  const lines = [`usage: ${usageLine(spec)}`, '', spec.summary, ''];
  if (spec.options.length > 0) lines.push('options:', ...optionLines(spec.options), '');
  lines.push('global options:', ...optionLines(globals));
  return `${lines.join('\n')}\n`;
}

/** The one-line usage of a command, as printed after a usage error. */
export function usageLine(spec: CommandSpec): string {
  const options = spec.options.map((option) => (option.type === 'boolean' ? `[${flag(option)}]` : `[${flag(option)} ${metavar(option)}]`));
  const positional = (spec.positional ?? []).map((name) => `<${name}>`);
  return [PROGRAM, '[-c FILE]', ...spec.words, ...options, ...positional].join(' ');
}

function optionLines(options: readonly OptionSpec[]): string[] {
  const rendered = options.map((option) => {
    const names = option.short === undefined ? `    --${option.name}` : `-${option.short}, --${option.name}`;
    return [option.type === 'boolean' ? names : `${names} ${metavar(option)}`, option] as const;
  });
  const width = Math.max(...rendered.map(([text]) => text.length));
  return rendered.map(([text, option]) => {
    const fallback = option.default === undefined || option.type === 'boolean' ? '' : ` (default ${String(option.default)})`;
    return `  ${text.padEnd(width)}  ${option.summary}${fallback}`;
  });
}

function flag(option: OptionSpec): string {
  return option.short === undefined ? `--${option.name}` : `-${option.short}`;
}

function metavar(option: OptionSpec): string {
  return option.type === 'number' ? 'N' : option.name === 'config' ? 'FILE' : option.name.toUpperCase();
}
