import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.js';
import { formatMode, printConfig } from '../../src/config/print.js';

const example = readFileSync(fileURLToPath(new URL('../../docs/examples/carp-failover.yaml', import.meta.url)), 'utf8');

describe('printConfig', () => {
  it('prints a config that loads back to the same config', () => {
    for (const text of [example, 'node: r\ncarp: {vhids: [{vhid: 7, interface: em0}]}\nsockets: {status: {mode: "640"}}\n']) {
      const config = parseConfigText(text, 'in.yaml');
      const printed = printConfig(config, 'in.yaml');
      expect(parseConfigText(printed, 'printed.yaml')).toEqual(config);
    }
  });

  it('fills every default and writes modes as octal text', () => {
    const printed = printConfig(parseConfigText('node: r\ncarp: {vhids: [{vhid: 1, interface: em0}]}\n', 'in.yaml'), 'in.yaml');
    expect(printed.split('\n')[0]).toBe('# in.yaml, normalized: every default filled in');
    expect(printed).toContain('  local_ms: 300\n');
    expect(printed).toContain('    mode: "0600"\n');
    expect(printed).toContain('    mode: "0660"\n');
    expect(printed).toContain('state_dir: /var/db/carp-failover\n');
  });

  it('formats modes with a leading zero', () => {
    expect(formatMode(0o600)).toBe('0600');
    expect(formatMode(0o40)).toBe('0040');
    expect(formatMode(0o755)).toBe('0755');
  });
});
