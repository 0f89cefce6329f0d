// The CLI in-process: runCli with captured output, against the fake service and real files.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { CommandSpec } from '../../src/cli/command-spec.js';
import { EXIT } from '../../src/exit-codes.js';
import { COMMANDS } from '../../src/cli/grammar.js';
import { runCli } from '../../src/cli/main.js';
import type { HostCheck } from '../../src/host/host-check.js';
import { runHostChecks } from '../../src/cli/host-checks.js';
import { makeCheckConfigCommand } from '../../src/cli/commands/check-config.js';
import { parseConfigText } from '../../src/config/load.js';
import { FakeHost } from '../fakes/host.js';
import { ok, startFakeService, type FakeService } from './fake-service.js';
import { sampleHistory, sampleStatus } from '../fakes/status-report.js';

const scratch = mkdtempSync(join(tmpdir(), 'cf-cli-main-'));
let service: FakeService | null = null;
afterEach(async () => {
  await service?.close();
  service = null;
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function cli(argv: string[], env: NodeJS.ProcessEnv = {}, commands?: readonly CommandSpec[]) {
  let stdout = '';
  let stderr = '';
  const io = { stdout: (t: string) => void (stdout += t), stderr: (t: string) => void (stderr += t), isTTY: false };
  const status = await runCli(argv, io, env, commands);
  return { status, stdout, stderr };
}

const write = (name: string, text: string) => {
  const path = join(scratch, name);
  writeFileSync(path, text);
  return path;
};

describe('status, history and reconcile against a fake service', () => {
  it('status prints the table', async () => {
    service = await startFakeService((seen) => ok(seen, { ...sampleStatus(), heartbeatAt: new Date().toISOString() }));
    const out = await cli(['-c', service.configPath, 'status']);
    expect(out.stderr).toBe('');
    expect(out.status).toBe(EXIT.OK);
    expect(out.stdout).toMatch(/^node {7}router-002 \(pid 4242\)\n/);
    expect(out.stdout).toContain('ovh:192.0.2.10/32');
    expect(out.stdout).not.toContain('WARNING');
  });

  it('status --json prints the result, parseable', async () => {
    const report = sampleStatus();
    service = await startFakeService((seen) => ok(seen, report));
    const out = await cli(['st', '--json', '-c', service.configPath]);
    expect(out.status).toBe(EXIT.OK);
    expect(JSON.parse(out.stdout)).toEqual(report);
  });

  it('status falls back to JSON with a warning for a report it does not understand', async () => {
    service = await startFakeService((seen) => ok(seen, { version: 99, something: 'else' }));
    const out = await cli(['-c', service.configPath, 'status']);
    expect(out.status).toBe(EXIT.SOFTWARE);
    expect(out.stderr).toContain('does not understand');
    expect(JSON.parse(out.stdout)).toEqual({ version: 99, something: 'else' });
  });

  it('history sends the limit and prints timelines; --json parses', async () => {
    service = await startFakeService((seen) => ok(seen, sampleHistory()));
    const text = await cli(['-c', service.configPath, 'history', '--limit', '3']);
    expect(text.status).toBe(EXIT.OK);
    expect(text.stdout).toContain('BACKUP → MASTER');
    expect(text.stdout).toContain('+3012 ms');
    expect(service.seen[0]!.request).toMatchObject({ cmd: 'history', args: { limit: 3 } });
    const json = await cli(['-c', service.configPath, 'hist', '--json']);
    expect(JSON.parse(json.stdout)).toEqual(sampleHistory());
    expect(service.seen[1]!.request).toMatchObject({ args: { limit: 10 } });
  });

  it('history refuses a limit out of range before asking', async () => {
    const out = await cli(['history', '--limit', '0']);
    expect(out.status).toBe(EXIT.USAGE);
    expect(out.stderr).toContain('option --limit: 0 must be a whole number from 1 to 1000');
  });

  it('reconcile asks the intake socket and reports the outcome', async () => {
    let converged = true;
    service = await startFakeService((seen) => ok(seen, { reconcileId: 'r-1', ok: converged }));
    const good = await cli(['-c', service.configPath, 'reconcile']);
    expect(good).toMatchObject({ status: EXIT.OK, stdout: 'reconcile r-1: ok\n' });
    expect(service.seen[0]!.socket).toBe('intake');
    converged = false;
    const bad = await cli(['-c', service.configPath, 'reconcile']);
    expect(bad.status).toBe(EXIT.FAILURE);
    expect(bad.stdout).toContain('not everything converged');
  });

  it('passes a service error through with its message', async () => {
    service = await startFakeService((seen) => ({ reply: { version: 1, id: seen.request.id, ok: false, error: { code: 'FROZEN', message: 'frozen: hands off' } } }));
    const out = await cli(['-c', service.configPath, 'reconcile']);
    expect(out).toMatchObject({ status: EXIT.FAILURE, stderr: 'carp-failover: frozen: hands off\n' });
  });

  it('exits 69 with the socket path when the service is not running', async () => {
    const config = write('down.yaml', `node: r\ncarp: {vhids: [{vhid: 1, interface: vmx0}]}\nsockets: {status: {path: ${join(scratch, 'none.sock')}}}\n`);
    const out = await cli(['-c', config, 'status']);
    expect(out.status).toBe(EXIT.UNAVAILABLE);
    expect(out.stderr).toBe(`carp-failover is not running (no answer on ${join(scratch, 'none.sock')})\n`);
  });

  it('takes the config path from $CARP_FAILOVER_CONFIG', async () => {
    service = await startFakeService((seen) => ok(seen, sampleHistory()));
    const out = await cli(['history'], { CARP_FAILOVER_CONFIG: service.configPath });
    expect(out.status).toBe(EXIT.OK);
    expect(service.seen).toHaveLength(1);
  });
});

describe('check-config', () => {
  it('exits 0 and says ok; -v prints the normalized config', async () => {
    const path = write('good.yaml', 'node: r\ncarp: {vhids: [{vhid: 1, interface: vmx0}]}\n');
    expect(await cli(['check-config', '-c', path])).toMatchObject({ status: 0, stdout: `configuration ok: ${path}\n`, stderr: '' });
    const verbose = await cli(['check', '-v', '-c', path]);
    expect(verbose.status).toBe(0);
    expect(verbose.stdout).toContain('  provider_ms: 3000\n');
    expect(verbose.stdout.endsWith(`configuration ok: ${path}\n`)).toBe(true);
  });

  it('prints every problem and exits 78', async () => {
    const path = write('bad.yaml', 'nod: r\ncarp:\n  vhids:\n    - {vhid: "1", interface: vmx0}\n');
    const out = await cli(['check-config', '-c', path]);
    expect(out.status).toBe(EXIT.CONFIG);
    expect(out.stderr.split('\n')).toEqual([
      `${path}:1: node: required, but missing (expected a string)`,
      `${path}:1: nod: unknown key "nod" (did you mean "node"?)`,
      `${path}:4: carp.vhids[0].vhid: expected a number, got "1"`,
      `configuration NOT ok: ${path}`,
      '',
    ]);
  });

  it('exits 78 on an unreadable file', async () => {
    const out = await cli(['check-config', '-c', join(scratch, 'absent.yaml')]);
    expect(out.status).toBe(EXIT.CONFIG);
    expect(out.stderr).toContain('no such file (ENOENT)');
  });
});

describe('host checks', () => {
  const config = parseConfigText('node: r\ncarp: {vhids: [{vhid: 1, interface: vmx0}]}\n', 'x.yaml');
  it('gathers every checker, turning a crashing checker into an error finding', async () => {
    const findings: HostCheck[] = await runHostChecks(config, new FakeHost(), [
      { name: 'carp', check: async () => [{ name: 'vhid 1 on vmx0', ok: true, level: 'error', message: 'present' }] },
      { name: 'ospf', check: async () => Promise.reject(new Error('vtysh exploded')) },
      { name: 'ovh', check: async () => [{ name: 'secrets mode', ok: false, level: 'warning', message: 'mode 0640' }] },
    ]);
    expect(findings).toEqual([
      { name: 'vhid 1 on vmx0', ok: true, level: 'error', message: 'present' },
      { name: 'ospf', ok: false, level: 'error', message: 'the check itself failed: vtysh exploded' },
      { name: 'secrets mode', ok: false, level: 'warning', message: 'mode 0640' },
    ]);
  });
});

describe('grammar and help', () => {
  it('lists every command in --help and exits 0', async () => {
    const out = await cli(['--help']);
    expect(out.status).toBe(0);
    for (const spec of COMMANDS) expect(out.stdout).toContain(`  ${spec.words.join(' ')}`);
    expect(out.stdout).toContain('-c, --config FILE');
  });

  it('prints a command help with its options', async () => {
    const out = await cli(['history', '--help']);
    expect(out.status).toBe(0);
    expect(out.stdout.split('\n')[0]).toBe('usage: carp-failover [-c FILE] history [--json] [--limit N]');
    expect(out.stdout).toContain('--limit N');
    expect(out.stdout).toContain('(default 10)');
  });

  it('prints usage on stderr and exits 64 without a command', async () => {
    const out = await cli([]);
    expect(out.status).toBe(EXIT.USAGE);
    expect(out.stdout).toBe('');
    expect(out.stderr).toContain('usage: carp-failover');
  });

  it('exits 64 on unknown and ambiguous commands, naming the choices', async () => {
    const unknown = await cli(['frobnicate']);
    expect(unknown.status).toBe(EXIT.USAGE);
    expect(unknown.stderr.split('\n')[0]).toBe(`carp-failover: unknown command "frobnicate", valid: ${[...new Set(COMMANDS.map((c) => c.words[0]))].join(", ")}`);
    const ambiguous = await cli(['r']);
    expect(ambiguous.stderr.split('\n')[0]).toBe('carp-failover: ambiguous command "r": run, reconcile, release');
  });

  it('exits 70 with the message when a command throws something unexpected', async () => {
    const boom: CommandSpec = { words: ['boom'], summary: 'boom', options: [], run: async () => Promise.reject(new TypeError('x is undefined')) };
    const out = await cli(['boom'], {}, [boom]);
    expect(out.status).toBe(EXIT.SOFTWARE);
    expect(out.stderr).toMatch(/^carp-failover: internal error: TypeError: x is undefined/);
  });
});

describe('check-config --host', () => {
  const good = () => write('host.yaml', 'node: r\ncarp: {vhids: [{vhid: 1, interface: vmx0}]}\n');
  const finding = (ok: boolean, level: 'error' | 'warning', name: string): HostCheck => ({ name, ok, level, message: `${name} says ${ok ? 'fine' : 'no'}` });

  it('prints ok findings and warnings and exits 0 without errors', async () => {
    const command = makeCheckConfigCommand([{ name: 'x', check: async () => [finding(true, 'error', 'vhid 1 on vmx0'), finding(false, 'warning', 'preempt')] }], () => new FakeHost());
    const out = await cli(['check-config', '--host', '-c', good()], {}, [command]);
    expect(out.status).toBe(0);
    expect(out.stdout).toContain('ok: vhid 1 on vmx0: vhid 1 on vmx0 says fine\n');
    expect(out.stderr).toBe('warning: preempt: preempt says no\n');
    expect(out.stdout).toMatch(/configuration ok, host ok: .*host\.yaml\n$/);
  });

  it('exits 78 when any host check fails with an error', async () => {
    const command = makeCheckConfigCommand([{ name: 'x', check: async () => [finding(false, 'error', 'vtysh answers')] }], () => new FakeHost());
    const out = await cli(['check-config', '--host', '-c', good()], {}, [command]);
    expect(out.status).toBe(EXIT.CONFIG);
    expect(out.stderr).toContain('ERROR: vtysh answers: vtysh answers says no\n');
    expect(out.stderr).toContain('configuration ok, host NOT ok');
  });

  it('hands the checkers the loaded config and the host', async () => {
    const host = new FakeHost();
    const seen: unknown[] = [];
    const command = makeCheckConfigCommand([{ name: 'x', check: async (config, h) => (seen.push(config.node, h), []) }], () => host);
    await cli(['check-config', '--host', '-c', good()], {}, [command]);
    expect(seen).toEqual(['r', host]);
  });

  it('the built-in checkers report a vtysh that is not there as an error (exit 78)', async () => {
    const path = write('novtysh.yaml', `node: r\ncarp: {vhids: [{vhid: 1, interface: vmx0}]}\nospf:\n  vtysh: ${join(scratch, 'no-vtysh')}\n  interfaces: [{interface: gre0, cost: {master: 10, backup: 100}}]\n`);
    const out = await cli(['check-config', '--host', '-c', path]);
    expect(out.status).toBe(EXIT.CONFIG);
    expect(out.stderr).toMatch(/^ERROR: /m);
  });

  it('cleans control characters out of problems taken from the file', async () => {
    const path = write('evil.yaml', 'node: r\ncarp: {vhids: [{vhid: 1, interface: vmx0}]}\n"evil\\e[2J": 1\n');
    const out = await cli(['check-config', '-c', path]);
    expect(out.status).toBe(EXIT.CONFIG);
    expect(out.stderr).not.toMatch(/\u001b/);
    expect(out.stderr).toContain('unknown key "evil [2J"');
  });
});
