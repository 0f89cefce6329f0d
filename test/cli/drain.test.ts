// drain/undrain/freeze/thaw against a fake service: two tiny newline-JSON servers on Unix sockets
// (intake and status) in a temp directory, named by a config file passed with -c.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeDrainCommands } from '../../src/cli/commands/drain.js';
import type { CliIo, CommandSpec } from '../../src/cli/command-spec.js';
import { EXIT } from '../../src/exit-codes.js';
import type { StatusReport } from '../../src/status/model.js';
import { drainedReport, ovhDetail, withResource } from '../fakes/status-report.js';

const run = promisify(execFile);

interface FakeService {
  requests: Array<{ socket: 'intake' | 'status'; cmd: string }>;
  statusCalls: number;
  close(): Promise<void>;
}

let dir: string;
let configPath: string;
let intakePath: string;
let statusPath: string;
let service: FakeService | null = null;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cf-drain-'));
  intakePath = join(dir, 'intake.sock');
  statusPath = join(dir, 'status.sock');
  configPath = join(dir, 'carp-failover.yaml');
  writeFileSync(
    configPath,
    ['node: router-002', 'carp:', '  vhids:', '    - { vhid: 1, interface: vmx0 }', 'sockets:', `  intake: { path: ${intakePath} }`, `  status: { path: ${statusPath} }`, ''].join('\n'),
  );
});

afterEach(async () => {
  await service?.close();
  service = null;
  rmSync(dir, { recursive: true, force: true });
});

function listen(path: string, answer: (request: { v: number; id?: unknown; cmd: string }) => unknown): Promise<Server> {
  const server = createServer((socket) => {
    let buffer = '';
    socket.on('error', () => undefined);
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      let newline: number;
      while ((newline = buffer.indexOf('\n')) !== -1) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        const request = JSON.parse(line) as { v: number; id?: unknown; cmd: string };
        let reply: unknown;
        try {
          reply = { version: 1, id: request.id ?? null, ok: true, result: answer(request) };
        } catch (error) {
          reply = { version: 1, id: request.id ?? null, ok: false, error: { code: (error as { code?: string }).code ?? 'INTERNAL', message: (error as Error).message } };
        }
        socket.write(`${JSON.stringify(reply)}\n`);
      }
    });
  });
  return new Promise((done) => server.listen(path, () => done(server)));
}

/** A fake service whose status turns drained after `drainedAfter` status polls (never when null). */
async function fakeService(options: { drainedAfter: number | null; reportDrain?: boolean; notDrained?: (report: StatusReport) => StatusReport }): Promise<FakeService> {
  const state: FakeService = { requests: [], statusCalls: 0, close: async () => undefined };
  let flags = { drain: false, freeze: false };
  const notDrained =
    options.notDrained ??
    ((report: StatusReport) =>
      withResource(
        {
          ...report,
          role: 'MASTER',
          vhids: [{ vhid: 1, interface: 'vmx0', state: 'MASTER' }],
        },
        'ovh:192.0.2.10/32',
        { detail: ovhDetail(true) },
      ));
  const current = (): StatusReport => {
    const drained = options.drainedAfter !== null && state.statusCalls > options.drainedAfter;
    const base = drainedReport({ flags: { ...flags } });
    const report = drained ? base : notDrained(base);
    // The daemon fills `drain` while draining; reportDrain=false mimics one that does not (yet).
    return options.reportDrain === false ? { ...report, drain: null } : report;
  };
  const intake = await listen(intakePath, (request) => {
    state.requests.push({ socket: 'intake', cmd: request.cmd });
    if (request.cmd === 'drain') flags = { ...flags, drain: true };
    else if (request.cmd === 'undrain') flags = { ...flags, drain: false };
    else if (request.cmd === 'freeze') flags = { ...flags, freeze: true };
    else if (request.cmd === 'thaw') flags = { ...flags, freeze: false };
    else throw Object.assign(new Error(`unexpected ${request.cmd}`), { code: 'UNKNOWN_COMMAND' });
    return current();
  });
  const status = await listen(statusPath, (request) => {
    state.requests.push({ socket: 'status', cmd: request.cmd });
    if (request.cmd !== 'status') throw Object.assign(new Error('read-only socket'), { code: 'READ_ONLY_SOCKET' });
    state.statusCalls++;
    return current();
  });
  state.close = async () => {
    await Promise.all([new Promise((r) => intake.close(r)), new Promise((r) => status.close(r))]);
  };
  service = state;
  return state;
}

function fakeIo(): CliIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    isTTY: false,
    stdout: (text: string) => {
      io.out += text;
    },
    stderr: (text: string) => {
      io.err += text;
    },
  };
  return io;
}

function command(words: string, commands: CommandSpec[] = makeDrainCommands({ pollIntervalMs: 20 })): CommandSpec {
  const spec = commands.find((c) => c.words.join(' ') === words);
  if (!spec) throw new Error(`no command ${words}`);
  return spec;
}

async function runCommand(words: string, options: Record<string, string | number | boolean | undefined>, commands?: CommandSpec[]) {
  const io = fakeIo();
  const status = await command(words, commands).run({ options: { config: configPath, ...options }, args: [], io, env: {} });
  return { status, io };
}

describe('drain commands', () => {
  it('exports drain, undrain, freeze and thaw', async () => {
    const { drainCommands } = await import('../../src/cli/commands/drain.js');
    expect(drainCommands.map((c) => c.words.join(' '))).toEqual(['drain', 'undrain', 'freeze', 'thaw']);
    const drain = drainCommands[0]!;
    expect(drain.options.map((o) => o.name)).toEqual(['wait', 'timeout']);
  });

  it('drain --wait polls status until drained, then exits 0', async () => {
    const fake = await fakeService({ drainedAfter: 3 });
    const { status, io } = await runCommand('drain', { wait: true, timeout: 10 });
    expect(io.err).toBe('');
    expect(status).toBe(EXIT.OK);
    expect(fake.requests[0]).toEqual({ socket: 'intake', cmd: 'drain' });
    expect(fake.requests.filter((r) => r.socket === 'intake')).toHaveLength(1);
    expect(fake.statusCalls).toBe(4);
    expect(io.out).toMatch(/drain flag set/);
    expect(io.out).toMatch(/ok {3}vhids: all BACKUP here/);
    expect(io.out).toMatch(/ok {3}ovh:192\.0\.2\.10\/32: bound to 02:00:00:aa:bb:03/);
    expect(io.out).toMatch(/drained: router-002 holds nothing/);
  });

  it('drain --wait computes the conditions itself when the service reports no drain field', async () => {
    await fakeService({ drainedAfter: 2, reportDrain: false });
    const { status, io } = await runCommand('drain', { wait: true, timeout: 10 });
    expect(status).toBe(EXIT.OK);
    expect(io.out).toMatch(/drained:/);
  });

  it('drain --wait that never drains exits 1 naming each unmet condition and the likely cause', async () => {
    const fake = await fakeService({ drainedAfter: null });
    const { status, io } = await runCommand('drain', { wait: true, timeout: 0.3 });
    expect(status).toBe(EXIT.FAILURE);
    expect(fake.statusCalls).toBeGreaterThanOrEqual(3);
    expect(io.err).toMatch(/drain not confirmed after 0\.3 s/);
    expect(io.err).toMatch(/wait vhids: not BACKUP here: 1@vmx0 MASTER/);
    expect(io.err).toMatch(/wait ovh:192\.0\.2\.10\/32: still bound here/);
    expect(io.err).toMatch(/wait ospf:gre0: OSPF cost still as MASTER/);
    expect(io.err).toMatch(/likely cause: no peer took MASTER: is net\.inet\.carp\.preempt=1 on the peer/);
    expect(io.err).toMatch(/carp-failover undrain/);
    expect(io.err).not.toMatch(/wait demotion/);
  });

  it('an OVH claim that does not land: the hint points at the peer\'s claim', async () => {
    await fakeService({ drainedAfter: null, notDrained: (report) => withResource(report, 'ovh:192.0.2.10/32', { detail: ovhDetail(true) }) });
    const { status, io } = await runCommand('drain', { wait: true, timeout: 0.2 });
    expect(status).toBe(EXIT.FAILURE);
    expect(io.err).toMatch(/ovh:192\.0\.2\.10\/32: still bound here/);
    expect(io.err).toMatch(/the peer's OVH claim has not landed/);
    expect(io.err).not.toMatch(/wait vhids/);
  });

  it('drain without --wait sets the flag, shows the conditions and exits 0', async () => {
    const fake = await fakeService({ drainedAfter: null });
    const { status, io } = await runCommand('drain', {});
    expect(status).toBe(EXIT.OK);
    expect(fake.statusCalls).toBe(0);
    expect(io.out).toMatch(/not drained yet/);
    expect(io.out).toMatch(/wait vhids/);
  });

  it('drain --wait stops when the flag is cleared under it', async () => {
    const fake = await fakeService({ drainedAfter: null });
    const commands = makeDrainCommands({
      pollIntervalMs: 20,
      sleep: async (ms) => {
        await new Promise((r) => setTimeout(r, ms));
        if (fake.statusCalls === 2) await command('undrain').run({ options: { config: configPath }, args: [], io: fakeIo(), env: {} });
      },
    });
    const { status, io } = await runCommand('drain', { wait: true, timeout: 10 }, commands);
    expect(status).toBe(EXIT.FAILURE);
    expect(io.err).toMatch(/the drain flag was cleared while waiting/);
  });

  it('undrain, freeze and thaw send their command on the intake socket', async () => {
    const fake = await fakeService({ drainedAfter: 0 });
    for (const words of ['undrain', 'freeze', 'thaw']) {
      const { status, io } = await runCommand(words, {});
      expect(status).toBe(EXIT.OK);
      expect(io.out.length).toBeGreaterThan(0);
    }
    expect(fake.requests).toEqual([
      { socket: 'intake', cmd: 'undrain' },
      { socket: 'intake', cmd: 'freeze' },
      { socket: 'intake', cmd: 'thaw' },
    ]);
  });

  it('not running: exit 69 naming the socket', async () => {
    const { status, io } = await runCommand('drain', { wait: true, timeout: 1 });
    expect(status).toBe(EXIT.UNAVAILABLE);
    expect(io.err).toContain(`carp-failover is not running (no answer on ${intakePath})`);
  });

  it('a refused command exits non-zero with the service\'s message', async () => {
    await fakeService({ drainedAfter: 0 });
    const { status, io } = await runCommand('drain', {}, makeDrainCommands()).then(async (first) => {
      expect(first.status).toBe(EXIT.OK);
      // a status-socket path for the intake: the fake status server refuses write commands
      writeFileSync(configPath, `node: router-002\ncarp:\n  vhids: [{ vhid: 1, interface: vmx0 }]\nsockets:\n  intake: { path: ${statusPath} }\n`);
      return runCommand('freeze', {});
    });
    expect(status).toBe(EXIT.FAILURE);
    expect(io.err).toMatch(/READ_ONLY_SOCKET/);
  });

  it('a bad --timeout is a usage error', async () => {
    const { status, io } = await runCommand('drain', { wait: true, timeout: -5 });
    expect(status).toBe(EXIT.USAGE);
    expect(io.err).toMatch(/--timeout/);
  });

  it('an unreadable config falls back to the default socket paths', async () => {
    const io = fakeIo();
    const status = await command('thaw').run({ options: { config: join(dir, 'missing.yaml') }, args: [], io, env: {} });
    // nothing listens on /var/run/carp-failover/intake.sock here
    expect([EXIT.UNAVAILABLE, EXIT.NOPERM]).toContain(status);
    expect(io.err).toMatch(/\/var\/run\/carp-failover\/intake\.sock/);
  });

  it('parses through the CLI grammar (runCli with the drain commands added): -c, --wait, --timeout', async () => {
    const { runCli } = await import('../../src/cli/main.js');
    const { COMMANDS } = await import('../../src/cli/grammar.js');
    const table = [...COMMANDS.filter((c) => !['drain', 'undrain', 'freeze', 'thaw'].includes(c.words.join(' '))), ...makeDrainCommands({ pollIntervalMs: 20 })];
    await fakeService({ drainedAfter: 2 });
    const io = fakeIo();
    expect(await runCli(['-c', configPath, 'drain', '--wait', '--timeout', '5'], io, {}, table)).toBe(EXIT.OK);
    expect(io.out).toMatch(/drained:/);
    const help = fakeIo();
    expect(await runCli(['drain', '--help'], help, {}, table)).toBe(EXIT.OK);
    expect(help.out).toMatch(/--timeout/);
    const bad = fakeIo();
    expect(await runCli(['-c', configPath, 'drain', '--timeout', 'soon'], bad, {}, table)).toBe(EXIT.USAGE);
  });

  const bin = resolve('src/cli/bin.ts');
  const grammar = resolve('src/cli/grammar.ts');
  const binReason = !existsSync(bin)
    ? 'src/cli/bin.ts has not landed'
    : !existsSync(grammar) || !readFileSync(grammar, 'utf8').includes('drainCommands')
      ? 'src/cli/grammar.ts does not register drainCommands yet'
      : null;
  if (binReason) console.log(`SKIP drain as a real process: ${binReason}`);
  describe.skipIf(binReason !== null)('as a real process (src/cli/bin.ts)', () => {
    it('drain --wait exits 0 once drained and 1 when it never is', async () => {
      await fakeService({ drainedAfter: 1 });
      const ok = await run('npx', ['tsx', bin, '-c', configPath, 'drain', '--wait', '--timeout', '20'], { timeout: 60_000 });
      expect(ok.stdout).toMatch(/drained:/);
      await service!.close();
      await fakeService({ drainedAfter: null });
      const failed = await run('npx', ['tsx', bin, '-c', configPath, 'drain', '--wait', '--timeout', '2'], { timeout: 60_000 }).then(
        () => null,
        (error: { code: number; stderr: string }) => error,
      );
      expect(failed).not.toBeNull();
      expect(failed!.code).toBe(EXIT.FAILURE);
      expect(failed!.stderr).toMatch(/likely cause: no peer took MASTER/);
    });
  });
});
