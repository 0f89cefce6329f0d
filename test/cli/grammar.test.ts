import { describe, expect, it } from 'vitest';
import { COMMANDS, globalOptions, parseCommandLine } from '../../src/cli/grammar.js';
import { DEFAULT_CONFIG_PATH } from '../../src/config/schema.js';

describe('the grammar table', () => {
  it('has the spine commands and every registered module command, each once', () => {
    const names = COMMANDS.map((spec) => spec.words.join(' '));
    expect(names.slice(0, 5)).toEqual(['run', 'status', 'history', 'check-config', 'reconcile']);
    expect(names).toEqual(expect.arrayContaining(['drain', 'undrain', 'freeze', 'thaw']));
    expect(new Set(names).size).toBe(names.length);
  });

  it('gives no command an option that clashes with a global one or with itself', () => {
    const globals = globalOptions({});
    for (const spec of COMMANDS) {
      const all = [...globals, ...spec.options];
      const longs = all.map((o) => o.name);
      const shorts = all.flatMap((o) => (o.short === undefined ? [] : [o.short]));
      expect(new Set(longs).size, spec.words.join(' ')).toBe(longs.length);
      expect(new Set(shorts).size, spec.words.join(' ')).toBe(shorts.length);
      expect(spec.summary.length, spec.words.join(' ')).toBeGreaterThan(10);
    }
  });

  it('defaults -c to $CARP_FAILOVER_CONFIG, then to the built-in path', () => {
    expect(parseCommandLine(['status'], {}).options.config).toBe(DEFAULT_CONFIG_PATH);
    expect(parseCommandLine(['status'], { CARP_FAILOVER_CONFIG: '' }).options.config).toBe(DEFAULT_CONFIG_PATH);
    expect(parseCommandLine(['status'], { CARP_FAILOVER_CONFIG: '/etc/cf.yaml' }).options.config).toBe('/etc/cf.yaml');
    expect(parseCommandLine(['-c', '/x.yaml', 'status'], { CARP_FAILOVER_CONFIG: '/etc/cf.yaml' }).options.config).toBe('/x.yaml');
  });

  it('resolves the shortest unique prefixes of the real table', () => {
    expect(parseCommandLine(['st'], {}).spec?.words).toEqual(['status']);
    expect(parseCommandLine(['ch'], {}).spec?.words).toEqual(['check-config']);
    expect(parseCommandLine(['rec'], {}).spec?.words).toEqual(['reconcile']);
    expect(() => parseCommandLine(['r'], {})).toThrow('ambiguous command "r": run, reconcile, release');
  });
});
