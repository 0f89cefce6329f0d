// The election keys through the real loader: defaults, every problem with its key path and line,
// and the cross-key rules (one probe at a time, unique names).
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import { parseConfigText } from '../../src/config/load.js';

const MINIMAL = 'node: router-002\ncarp:\n  vhids:\n    - vhid: 1\n      interface: vmx0\n';

function problemsOf(text: string): ConfigError {
  try {
    parseConfigText(text, 'test.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected the config to be refused');
}

describe('health and failback keys', () => {
  it('defaults: no checks, fail-back auto, hold 300 s, failback share 240, ping at /sbin/ping', () => {
    const config = parseConfigText(MINIMAL, 'test.yaml');
    expect(config.health).toEqual({ checks: [] });
    expect(config.failback).toEqual({ mode: 'auto', hold_s: 300 });
    expect(config.carp.demotion.failback).toBe(240);
    expect(config.commands.ping).toBe('/sbin/ping');
  });

  it('fills each check kind with its defaults', () => {
    const config = parseConfigText(
      `${MINIMAL}health:\n  checks:\n    - {name: up, type: icmp, target: 198.51.100.1}\n    - {name: api, type: tcp, host: '2001:db8::1', port: 443}\n    - {name: dflt, type: route, prefix: 0.0.0.0/0, protocol: ospf}\n`,
      'test.yaml',
    );
    const common = { interval_ms: 2000, timeout_ms: 1000, fall: 3, rise: 3, weight: 240 };
    expect(config.health.checks).toEqual([
      { name: 'up', type: 'icmp', target: '198.51.100.1', source: null, ...common },
      { name: 'api', type: 'tcp', host: '2001:db8::1', port: 443, ...common },
      { name: 'dflt', type: 'route', prefix: '0.0.0.0/0', protocol: 'ospf', ...common },
    ]);
  });

  it('names every bad key with its path and line', () => {
    const error = problemsOf(
      `${MINIMAL}health:\n  checks:\n    - {name: Up, type: icmp, target: 'upstream.example', source: 10.0.0.1}\n    - {name: ok, type: ping, target: 198.51.100.1}\n    - {name: w, type: tcp, host: 198.51.100.1, port: 0, weight: 241}\nfailback:\n  mode: never\n  hold_s: 0\n`,
    );
    const paths = error.problems.map((p) => p.keyPath).sort();
    expect(paths).toEqual(['failback.hold_s', 'failback.mode', 'health.checks[0].name', 'health.checks[0].target', 'health.checks[1].type', 'health.checks[2].port', 'health.checks[2].weight']);
    expect(error.problems.find((p) => p.keyPath === 'health.checks[0].target')!.line).toBe(8);
  });

  it('refuses a timeout not below the interval, and a name used twice', () => {
    const error = problemsOf(`${MINIMAL}health:\n  checks:\n    - {name: a, type: icmp, target: 198.51.100.1, interval_ms: 1000, timeout_ms: 1000}\n    - {name: a, type: route, prefix: 0.0.0.0/0}\n`);
    expect(error.problems.map((p) => [p.keyPath, p.reason])).toEqual([
      ['health.checks[0].timeout_ms', 'must be lower than interval_ms (1000): one probe at a time per check'],
      ['health.checks[1].name', 'path check a is listed twice (first at health.checks[0])'],
    ]);
  });
});
