// Whatever the text, parseConfigText returns a Config or throws a ConfigError whose every line
// has the `<file>:` form; never another exception, never a crash.
import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import { parseConfigText } from '../../src/config/load.js';

function outcome(text: string): 'ok' | 'refused' {
  try {
    parseConfigText(text, 'fuzz.yaml');
    return 'ok';
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    for (const line of (error as ConfigError).message.split('\n')) expect(line).toMatch(/^fuzz\.yaml(:\d+(:\d+)?)?: /);
    return 'refused';
  }
}

describe('parseConfigText under random input', () => {
  it('handles arbitrary strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (text) => void outcome(text)), { numRuns: 300 });
  });

  it('handles arbitrary YAML data', () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => void outcome(stringify(value))), { numRuns: 300 });
  });

  it('handles a valid config with one random value replaced', () => {
    const keys = ['node', 'settle', 'sockets', 'ovh', 'gre', 'ospf', 'log', 'metrics'];
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.jsonValue({ maxDepth: 3 }), (key, value) => {
        const config: Record<string, unknown> = { node: 'r', carp: { vhids: [{ vhid: 1, interface: 'vmx0' }] } };
        config[key] = value;
        outcome(stringify(config));
      }),
      { numRuns: 300 },
    );
  });
});
