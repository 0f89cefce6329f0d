import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import { loadConfig, MAX_CONFIG_BYTES, parseConfigText } from '../../src/config/load.js';
import { CarpFailoverError } from '../../src/errors.js';

const MINIMAL = 'node: router-002\ncarp:\n  vhids:\n    - vhid: 1\n      interface: vmx0\n';
const dir = mkdtempSync(join(tmpdir(), 'cf-cli-load-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The ConfigError a text produces (fails the test when it loads). */
function problemsOf(text: string): ConfigError {
  try {
    parseConfigText(text, 'test.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected the config to be refused');
}

describe('parseConfigText', () => {
  it('loads a minimal file and fills every default', () => {
    const config = parseConfigText(MINIMAL, 'test.yaml');
    expect(config.node).toBe('router-002');
    expect(config.carp.vhids).toEqual([{ vhid: 1, interface: 'vmx0' }]);
    expect(config.settle).toEqual({ local_ms: 300, provider_ms: 3000 });
    expect(config.sockets.intake.mode).toBe(0o600);
    expect(config.sockets.status.mode).toBe(0o660);
    expect(config.gre.tunnels).toEqual([]);
  });

  it('deep-freezes the result', () => {
    const config = parseConfigText(MINIMAL, 'test.yaml');
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.carp.vhids[0])).toBe(true);
    expect(() => {
      (config.carp.vhids as { vhid: number }[]).push({ vhid: 9 });
    }).toThrow(TypeError);
    expect(() => {
      (config.settle as { local_ms: number }).local_ms = 1;
    }).toThrow(TypeError);
  });

  it('reports a typo, a wrong type and a missing field together, each with line and key path', () => {
    const error = problemsOf('nod: router-002\ncarp:\n  vhids:\n    - vhid: one\n      interface: vmx0\n');
    expect(error.code).toBe('CONFIG_INVALID');
    const lines = error.message.split('\n');
    expect(lines).toContain('test.yaml:1: nod: unknown key "nod" (did you mean "node"?)');
    expect(lines).toContain('test.yaml:4: carp.vhids[0].vhid: expected a number, got "one"');
    expect(lines).toContain('test.yaml:1: node: required, but missing (expected a string)');
    expect(lines).toHaveLength(3);
    expect(error.details.path).toBe('test.yaml');
    expect(error.problems.map((p) => p.keyPath).sort()).toEqual(['carp.vhids[0].vhid', 'nod', 'node']);
  });

  it('names the line of a nested unknown key and of a missing nested key', () => {
    const error = problemsOf(`${MINIMAL}settle:\n  local_ms: 10\n  provder_ms: 5\novh:\n  ips:\n    - ip: 192.0.2.1/32\n      strategy: vmac\n      service: ns1\n      vm_name: r2\n`);
    expect(error.message.split('\n')).toEqual([
      'test.yaml:8: settle.provder_ms: unknown key "provder_ms" (did you mean "provider_ms"?)',
      'test.yaml:11: ovh.ips[0].vmac: required, but missing (expected a string)',
    ]);
  });

  it.each([
    ['em0;reboot', '"em0;reboot"'],
    ['../x', '"../x"'],
    ['a'.repeat(200), '(200 characters)'],
    ['em0 up', '"em0 up"'],
    ['-em0', '"-em0"'],
    ['$(reboot)', '"$(reboot)"'],
  ])('rejects the hostile interface name %j with its key path', (name, shown) => {
    const error = problemsOf(`node: r2\ncarp:\n  vhids:\n    - vhid: 1\n      interface: ${JSON.stringify(name)}\n`);
    expect(error.problems).toHaveLength(1);
    expect(error.message).toMatch(/^test\.yaml:5: carp\.vhids\[0\]\.interface: must be a FreeBSD interface name/);
    expect(error.message).toContain(shown);
    // A 200-character value is cut, never dumped whole.
    expect(error.message.length).toBeLessThan(300);
  });

  it('rejects hostile names in every section that reaches a command', () => {
    const error = problemsOf(
      `${MINIMAL}gre:\n  tunnels:\n    - interface: "gre0;id"\nospf:\n  interfaces:\n    - interface: ../gre1\n      cost: {master: 1, backup: 2}\n`,
    );
    expect(error.problems.map((p) => p.keyPath)).toEqual(['gre.tunnels[0].interface', 'ospf.interfaces[0].interface']);
    expect(error.problems.map((p) => p.line)).toEqual([8, 11]);
  });

  it('reports a YAML syntax error with its line', () => {
    const error = problemsOf('node: r2\ncarp:\n  vhids: [1, 2\nsettle: {}\n');
    expect(error.problems[0]).toMatchObject({ line: 4, column: 1 });
    expect(error.message).toMatch(/^test\.yaml:4:1: YAML: /);
  });

  it('refuses tabs used as indentation, with the line', () => {
    const error = problemsOf('node: r2\ncarp:\n\tvhids: []\n');
    expect(error.message).toContain('test.yaml:3:1: YAML: Tabs are not allowed as indentation');
  });

  it('refuses duplicate keys instead of keeping the last one', () => {
    const error = problemsOf(`${MINIMAL}node: router-003\n`);
    expect(error.message).toBe('test.yaml:6:1: YAML: duplicate key (each key may appear once in a mapping)');
  });

  it('refuses several documents in one file', () => {
    const error = problemsOf(`${MINIMAL}---\nnode: r3\n`);
    expect(error.message).toMatch(/^test\.yaml:6:1: YAML: Source contains multiple documents/);
  });

  it('refuses an unresolved tag rather than reading it as a string', () => {
    const error = problemsOf('node: !!js/function "x"\ncarp: {vhids: [{vhid: 1, interface: vmx0}]}\n');
    expect(error.message).toMatch(/^test\.yaml:1:7: YAML: .*tag/i);
  });

  it('refuses an alias bomb without expanding it', () => {
    const bomb = [
      'a: &a ["x","x","x","x","x","x","x","x","x"]',
      'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
      'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
      'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
      'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
      'f: [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
    ].join('\n');
    const before = process.memoryUsage().heapUsed;
    const error = problemsOf(`${bomb}\n`);
    expect(error.message).toContain('aliases expand too much');
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(64 * 1024 * 1024);
  });

  it('accepts a few aliases, the way anchors are normally used', () => {
    const config = parseConfigText(
      `${MINIMAL}ospf:\n  interfaces:\n    - {interface: gre0, cost: &c {master: 10, backup: 1000}}\n    - {interface: gre1, cost: *c}\n`,
      'test.yaml',
    );
    expect(config.ospf.interfaces[1]!.cost).toEqual({ master: 10, backup: 1000 });
  });

  it('explains an empty file', () => {
    for (const text of ['', '\n\n', '# only a comment\n']) {
      expect(problemsOf(text).message).toBe('test.yaml:1: the file is empty: expected a mapping with at least "node" and "carp"');
    }
  });

  it('refuses a document that is not a mapping', () => {
    expect(problemsOf('- node\n- carp\n').message).toBe('test.yaml:1: (top level): must be a mapping of options, got a list');
    expect(problemsOf('just words\n').message).toBe('test.yaml:1: (top level): must be a mapping of options, got a string');
  });

  it('refuses control bytes with the line they are on', () => {
    const error = problemsOf('node: r2\ncarp:\n  \u0000\u0001garbage\n');
    expect(error.message).toBe('test.yaml:3: contains the control byte 0x00: not a text configuration file');
  });

  it('refuses text larger than the limit', () => {
    const error = problemsOf(`${MINIMAL}#${'x'.repeat(MAX_CONFIG_BYTES)}\n`);
    expect(error.message).toContain(`larger than ${MAX_CONFIG_BYTES} bytes`);
  });

  it('refuses a mapping or list used as a key', () => {
    const error = problemsOf(`${MINIMAL}? [a, b]\n: c\n`);
    expect(error.message).toContain('YAML: a key must be a plain word');
  });

  it('rewrites zod wording into what is expected and what was found', () => {
    const error = problemsOf(
      `${MINIMAL}settle: {local_ms: -5}\nlog: {level: loud}\nreconcile: {period_s: 1.5}\novh:\n  ips:\n    - {ip: 192.0.2.1/32, strategy: teleport, service: s}\n`,
    );
    const byPath = Object.fromEntries(error.problems.map((p) => [p.keyPath, p.reason]));
    expect(byPath['settle.local_ms']).toBe('must be at least 0, got number -5');
    expect(byPath['log.level']).toBe('must be one of "fatal", "error", "warn", "info", "debug", "trace", got "loud"');
    expect(byPath['reconcile.period_s']).toBe('expected a whole number, got number 1.5');
    expect(byPath['ovh.ips[0].strategy']).toBe('must be one of "shared-vmac", "vmac", "move", got "teleport"');
  });
});

describe('cross-field checks', () => {
  it('reports every cross-field problem with the line of the second occurrence', () => {
    const text = [
      'node: r2',
      'carp:',
      '  vhids:',
      '    - {vhid: 1, interface: vmx0}',
      '    - {vhid: 1, interface: vmx0}',
      'reconcile: {backoff: {initial_ms: 5000, max_ms: 1000}}',
      'sockets:',
      '  intake: {path: /var/run/x.sock}',
      '  status: {path: /var/run/x.sock}',
      'gre:',
      '  tunnels:',
      '    - {interface: gre0, inner: {local: 10.0.0.1, remote: 10.0.0.2}}',
      '    - {interface: gre0, inner: {local: 10.0.0.1, remote: 10.0.0.6}}',
      'ospf:',
      '  interfaces:',
      '    - {interface: gre0, cost: {master: 10, backup: 100}}',
      '    - {interface: gre0, cost: {master: 100, backup: 10}}',
      'ovh:',
      '  reclaim_min_interval_s: 1000',
      '  reclaim_max_interval_s: 10',
      '  ips:',
      '    - {ip: 192.0.2.1/32, strategy: move, service: s}',
      '    - {ip: 192.0.2.1/32, strategy: move, service: s}',
      '',
    ].join('\n');
    const error = problemsOf(text);
    expect(error.message.split('\n')).toEqual([
      'test.yaml:5: carp.vhids[1]: vhid 1@vmx0 is listed twice (first at carp.vhids[0])',
      'test.yaml:6: reconcile.backoff.initial_ms: must not exceed reconcile.backoff.max_ms (5000 > 1000)',
      'test.yaml:9: sockets.status.path: must differ from sockets.intake.path (both are /var/run/x.sock)',
      'test.yaml:13: gre.tunnels[1].interface: GRE tunnel gre0 is listed twice (first at gre.tunnels[0])',
      'test.yaml:13: gre.tunnels[1].inner: inner address 10.0.0.1 is used by two tunnels (first at gre.tunnels[0])',
      'test.yaml:17: ospf.interfaces[1].interface: OSPF interface gre0 is listed twice (first at ospf.interfaces[0])',
      'test.yaml:17: ospf.interfaces[1].cost.master: must be lower than cost.backup (10) so that traffic prefers the MASTER',
      'test.yaml:19: ovh.reclaim_min_interval_s: must not exceed ovh.reclaim_max_interval_s (1000 > 10)',
      'test.yaml:23: ovh.ips[1].ip: failover IP 192.0.2.1/32 is listed twice (first at ovh.ips[0])',
    ]);
  });

  it('accepts the same vhid number on two interfaces', () => {
    const config = parseConfigText('node: r2\ncarp: {vhids: [{vhid: 1, interface: vmx0}, {vhid: 1, interface: vmx1}]}\n', 'test.yaml');
    expect(config.carp.vhids).toHaveLength(2);
  });
});

describe('loadConfig', () => {
  const write = (name: string, content: string | Buffer) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };

  it('loads a file and labels problems with its path', async () => {
    expect((await loadConfig(write('ok.yaml', MINIMAL))).node).toBe('router-002');
    const path = write('bad.yaml', 'node: r2\n');
    await expect(loadConfig(path)).rejects.toThrow(`${path}:1: carp: required, but missing (expected a mapping)`);
  });

  it('names the path and the errno of a missing file', async () => {
    const path = join(dir, 'missing.yaml');
    const error = await loadConfig(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CarpFailoverError);
    expect((error as CarpFailoverError).code).toBe('CONFIG_UNREADABLE');
    expect((error as CarpFailoverError).message).toBe(`${path}: cannot read the configuration: no such file (ENOENT)`);
    expect((error as CarpFailoverError).details).toMatchObject({ path, errno: 'ENOENT' });
  });

  it('refuses a directory', async () => {
    await expect(loadConfig(dir)).rejects.toMatchObject({ code: 'CONFIG_UNREADABLE' });
  });

  it('refuses a 10 MiB file without parsing it', async () => {
    const path = write('huge.yaml', Buffer.alloc(10 * 1024 * 1024, 'a'));
    const started = performance.now();
    const error = (await loadConfig(path).catch((e: unknown) => e)) as CarpFailoverError;
    expect(error.code).toBe('CONFIG_UNREADABLE');
    expect(error.message).toContain('10485760 bytes, larger than the 1048576 bytes allowed');
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('refuses binary garbage as not UTF-8', async () => {
    const garbage = Buffer.from([0xff, 0xfe, 0x00, 0x81, 0xc3, 0x28, 0x9f, 0x80, 0x0a]);
    const path = write('garbage.bin', garbage);
    const error = (await loadConfig(path).catch((e: unknown) => e)) as ConfigError;
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toBe(`${path}: not UTF-8 text (is this the right file?)`);
  });

  it('refuses random bytes every time with a ConfigError, never a crash', async () => {
    for (let i = 0; i < 50; i += 1) {
      const bytes = Buffer.from(Array.from({ length: 512 }, () => Math.floor(Math.random() * 256)));
      const error = await loadConfig(write(`random-${i}.bin`, bytes)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigError);
    }
  });

  it('does not hang on a FIFO', async () => {
    const path = join(dir, 'fifo.yaml');
    execFileSync('mkfifo', [path]);
    await expect(loadConfig(path)).rejects.toThrow('not a regular file');
  });
});
