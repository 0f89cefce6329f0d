import { describe, expect, it } from 'vitest';
import { parseArgv, UsageError } from '../../src/cli/argv.js';
import type { CommandSpec, OptionSpec } from '../../src/cli/command-spec.js';

const spec = (words: string[], options: OptionSpec[] = [], positional?: string[]): CommandSpec => ({
  words,
  summary: words.join(' '),
  options,
  ...(positional === undefined ? {} : { positional }),
  run: async () => 0,
});

const status = spec(['status'], [{ name: 'json', type: 'boolean', summary: 'json' }]);
const history = spec(['history'], [
  { name: 'json', type: 'boolean', summary: 'json' },
  { name: 'limit', type: 'number', summary: 'limit', default: 10 },
]);
const run = spec(['run']);
const reconcile = spec(['reconcile']);
const drain = spec(['drain'], [{ name: 'wait', type: 'boolean', summary: 'wait' }]);
const ovhCheck = spec(['ovh', 'check']);
const vmacCreate = spec(['ovh', 'vmac', 'create'], [{ name: 'mac', type: 'string', summary: 'mac' }], ['service']);
const COMMANDS = [run, status, history, reconcile, drain, ovhCheck, vmacCreate];
const GLOBALS: OptionSpec[] = [
  { name: 'config', short: 'c', type: 'string', summary: 'config', default: '/etc/default.yaml' },
  { name: 'help', short: 'h', type: 'boolean', summary: 'help' },
];

const parse = (...argv: string[]) => parseArgv(argv, COMMANDS, GLOBALS);
const usage = (...argv: string[]) => {
  try {
    parse(...argv);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).code).toBe('USAGE');
    return (error as UsageError).message;
  }
  throw new Error(`expected a usage error for ${argv.join(' ')}`);
};

describe('parseArgv', () => {
  it('selects a command by its full word or any unique prefix', () => {
    expect(parse('status').spec).toBe(status);
    expect(parse('st').spec).toBe(status);
    expect(parse('h').spec).toBe(history);
    expect(parse('rec').spec).toBe(reconcile);
    expect(parse('ru').spec).toBe(run);
  });

  it('answers an unknown command with the valid ones, like ospfctl', () => {
    expect(usage('x')).toBe('unknown command "x", valid: run, status, history, reconcile, drain, ovh');
    expect(usage('stat', 'x')).toBe('"status" takes no arguments (got "x")');
  });

  it('answers an ambiguous prefix with the candidates', () => {
    expect(usage('r')).toBe('ambiguous command "r": run, reconcile');
  });

  it('resolves multi-word commands word by word, with prefixes', () => {
    expect(parse('ovh', 'check').spec).toBe(ovhCheck);
    expect(parse('o', 'v', 'c', 'ns1').spec).toBe(vmacCreate);
    expect(parse('o', 'v', 'c', 'ns1').args).toEqual(['ns1']);
    expect(usage('ovh')).toBe('incomplete command "ovh", valid: ovh check, ovh vmac create');
    expect(usage('ovh', 'nope')).toBe('unknown command "nope" after "ovh", valid: check, vmac');
  });

  it('takes global options anywhere, with the default when absent', () => {
    expect(parse('status').options.config).toBe('/etc/default.yaml');
    expect(parse('-c', '/a.yaml', 'status').options.config).toBe('/a.yaml');
    expect(parse('status', '--config', '/b.yaml').options.config).toBe('/b.yaml');
    expect(parse('status', '--config=/c.yaml').options.config).toBe('/c.yaml');
    // A global option's value is never mistaken for a command word.
    expect(parse('-c', 'status', 'history').spec).toBe(history);
  });

  it('parses boolean, number and string options in both spellings', () => {
    const parsed = parse('history', '--json', '--limit', '5');
    expect(parsed.options).toMatchObject({ json: true, limit: 5 });
    expect(parse('history', '--limit=7').options.limit).toBe(7);
    expect(parse('history').options.limit).toBe(10);
    expect(parse('history').options.json).toBeUndefined();
    expect(parse('ovh', 'vmac', 'create', '--mac', '02:00:00:00:00:01', 'ns1').options.mac).toBe('02:00:00:00:00:01');
  });

  it('names the option and the bad value on option errors', () => {
    expect(usage('history', '--limit', 'ten')).toBe('option --limit: "ten" is not a number');
    expect(usage('history', '--limit=1e9')).toBe('option --limit: "1e9" is not a number');
    expect(usage('history', '--limit')).toBe('option --limit needs a value');
    expect(usage('status', '--json=yes')).toBe('option --json takes no value (got "yes")');
    expect(usage('status', '--jsn')).toBe('unknown option "--jsn" for "status", valid: --config, --help, --json');
    expect(usage('status', '-x')).toBe('unknown option "-x" for "status", valid: --config, --help, --json');
    expect(usage('ovh', 'vmac', 'create', '--mac', '')).toBe('option --mac: the value must not be empty');
  });

  it('carries the command on option errors for the usage hint', () => {
    try {
      parse('history', '--limit', 'x');
    } catch (error) {
      expect((error as UsageError).spec).toBe(history);
      expect((error as UsageError).details).toEqual({ option: '--limit', value: 'x' });
    }
    expect.assertions(2);
  });

  it('treats words after -- as arguments', () => {
    expect(parse('ovh', 'vmac', 'create', '--', '--weird').args).toEqual(['--weird']);
  });

  it('recognises --help globally and per command', () => {
    expect(parse('--help')).toMatchObject({ spec: null, help: true });
    expect(parse('-h')).toMatchObject({ spec: null, help: true });
    expect(parse('status', '--help')).toMatchObject({ spec: status, help: true });
    expect(parse('ovh', '--help')).toMatchObject({ spec: null, help: true });
    expect(parse()).toMatchObject({ spec: null, help: false });
  });

  it('survives hostile argv without throwing anything but UsageError', () => {
    for (const argv of [['\u0000'], ['-'], ['--'], ['--='], ['-c'], ['ovh', 'vmac', '\u001b[2J'], ['status', '--limit', '1'], ['x'.repeat(10_000)]]) {
      try {
        parse(...argv);
      } catch (error) {
        expect(error).toBeInstanceOf(UsageError);
      }
    }
  });
});
