// The real daemon process against the red-team findings of issue 14 (items 4, 5, 7, 8): untrusted
// directories refused before anything is touched, an untrustworthy demotion record failed safe,
// root's status answered while a group member holds every slot, and GRE reaction under 31
// clients looping `history` on a 57 MB journal within 2x of idle. File-backed FreeBSD stand-ins.
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeFreeBsd } from './support/fake-freebsd.js';
import { cliArgv, request, startDaemon, waitFor, type DaemonProcess } from './support/daemon-process.js';

const asRoot = process.geteuid?.() === 0;
const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Rig {
  dir: string;
  bsd: FakeFreeBsd;
  stateDir: string;
  runDir: string;
  statusSock: string;
  intakeSock: string;
  configPath: string;
  start(): DaemonProcess;
}

function rig(extra = ''): Rig {
  const dir = mkdtempSync(join(tmpdir(), 'cf-harden-'));
  const bsd = new FakeFreeBsd({ carp: { vmx0: { '1': 'BACKUP' } }, gre: { gre0: false }, demotion: 0, preempt: 1, allow: 1 });
  const stateDir = join(dir, 'state');
  const runDir = join(dir, 'run');
  const statusSock = join(runDir, 'status.sock');
  const intakeSock = join(runDir, 'intake.sock');
  const configPath = join(dir, 'carp-failover.yaml');
  writeFileSync(configPath, `node: router-002
carp:
  vhids:
    - { vhid: 1, interface: vmx0 }
settle: { local_ms: 0, provider_ms: 0 }
reconcile: { period_s: 60 }
sockets:
  intake: { path: ${intakeSock} }
  status: { path: ${statusSock}, mode: "0660" }
state_dir: ${stateDir}
commands: { ifconfig: ${bsd.ifconfig}, sysctl: ${bsd.sysctl} }
gre:
  tunnels:
    - { interface: gre0 }
${extra}`);
  const daemons: DaemonProcess[] = [];
  cleanups.push(async () => {
    for (const d of daemons) {
      d.child.kill('SIGKILL');
      await d.exited;
    }
    rmSync(dir, { recursive: true, force: true });
    bsd.remove();
  });
  return {
    dir, bsd, stateDir, runDir, statusSock, intakeSock, configPath,
    start() {
      const d = startDaemon(configPath);
      daemons.push(d);
      return d;
    },
  };
}

async function status(path: string): Promise<any> {
  const reply = await request(path, { cmd: 'status' });
  expect(reply.ok).toBe(true);
  return reply.result;
}

/** Runs the CLI as a process; resolves with its exit status and output. */
function cli(...args: string[]): Promise<{ code: number | null; out: string }> {
  const [file, ...rest] = cliArgv(...args);
  return new Promise((resolve) => {
    const child = spawn(file!, rest, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => resolve({ code, out }));
  });
}

describe('directory trust (item 4)', { timeout: 120_000 }, () => {
  it('refuses a 0777 state directory: exit 78, a clear message, nothing written to the kernel or the directory', async () => {
    const r = rig();
    mkdirSync(r.stateDir, { recursive: true });
    chmodSync(r.stateDir, 0o777);
    const d = r.start();
    expect(await d.exited).toBe(78);
    expect(d.output()).toContain(`state directory ${r.stateDir} is writable by its group and others (mode 0777)`);
    expect(r.bsd.read().writes ?? []).toEqual([]);
    expect(readdirSync(r.stateDir)).toEqual([]);
    expect(existsSync(r.statusSock)).toBe(false);
  });

  it.skipIf(!asRoot)('refuses a socket directory owned by another user (chown to uid 65534)', async () => {
    const r = rig();
    mkdirSync(r.runDir, { recursive: true, mode: 0o755 });
    chownSync(r.runDir, 65534, 65534);
    const d = r.start();
    expect(await d.exited).toBe(78);
    expect(d.output()).toContain(`intake socket directory ${r.runDir} is owned by uid 65534, not root`);
    expect(r.bsd.read().writes ?? []).toEqual([]);
  });
});

describe('state-file trust (item 5)', { timeout: 120_000 }, () => {
  it.each([
    ['garbage', 'garbage \u0000\n'],
    ['boot: 999999', JSON.stringify({ version: 1, bootId: '1764057600.0', ours: { boot: 999999, maintenance: 0, readiness: 0 }, pending: null })],
  ])('a %s demotion.json is kept aside; the boot hold is applied and released as after a reboot; status says so', async (_name, bad) => {
    const r = rig();
    mkdirSync(r.stateDir, { recursive: true, mode: 0o750 });
    writeFileSync(join(r.stateDir, 'demotion.json'), bad);
    const d = r.start();
    const report = await waitFor('the boot hold released', async () => {
      const s = await status(r.statusSock);
      return s.demotion.ours.boot === 0 && s.lastReconcile ? s : null;
    }, 30_000);
    expect(r.bsd.read().writes).toEqual([240, -240]);
    const aside = readdirSync(r.stateDir).find((n) => n.startsWith('demotion.json.bad-'))!;
    expect(readFileSync(join(r.stateDir, aside), 'utf8')).toBe(bad);
    expect(report.demotion.recordSetAside).toMatchObject({ path: join(r.stateDir, aside), reason: expect.stringContaining('is not a demotion record this service could have written') });
    expect(d.output()).toContain('kept aside as');
  });
});

describe('status slots (item 7)', { timeout: 120_000 }, () => {
  it('root gets status while a group member holds all 32 status slots', async () => {
    const r = rig();
    const d = r.start();
    await waitFor('the status socket', () => existsSync(r.statusSock), 30_000);
    await status(r.statusSock);
    const held: Socket[] = [];
    cleanups.push(() => held.forEach((s) => s.destroy()));
    for (let i = 0; i < 32; i++) {
      const socket = connect(r.statusSock);
      await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
      held.push(socket);
    }
    // The 33rd client is turned away: the slots really are all taken.
    const refused = await request(r.statusSock, { cmd: 'status' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'TOO_MANY_CLIENTS' } });
    const answer = await cli('status', '--json', '-c', r.configPath);
    expect(answer.code).toBe(0);
    expect(JSON.parse(answer.out)).toMatchObject({ node: 'router-002', pid: d.child.pid });
  });
});

describe('history cost (item 8)', { timeout: 120_000 }, () => {
  it('GRE reaction with 31 clients looping history on a 57 MB journal stays within 2x of idle', async () => {
    const r = rig('journal: { max_bytes: 67108864, keep: 1 }\n');
    mkdirSync(r.stateDir, { recursive: true, mode: 0o750 });
    const vhids = [{ vhid: 1, interface: 'vmx0', state: 'MASTER' }];
    const lines: string[] = [];
    for (let i = 0; i < 2000; i++) {
      const t = new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString();
      lines.push(JSON.stringify({ t, type: 'transition', from: 'BACKUP', to: 'MASTER', vhids }));
      for (let s = 0; s < 4; s++) lines.push(JSON.stringify({ t, type: 'step', reconcileId: `r${i}`, resource: 'gre:gre0', step: `ifconfig gre0 up (${s})`, outcome: 'ok', durationMs: 3 }));
    }
    const block = `${lines.join('\n')}\n`;
    writeFileSync(join(r.stateDir, 'journal.jsonl'), block.repeat(Math.ceil((57 << 20) / Buffer.byteLength(block))));
    r.start();
    await waitFor('the boot hold released', async () => (await status(r.statusSock)).demotion.ours.boot === 0, 30_000);

    /** One CARP change by devd line, timed until the stand-in's gre0 follows. */
    async function reaction(to: 'MASTER' | 'BACKUP'): Promise<number> {
      r.bsd.setCarp('vmx0', 1, to);
      const started = performance.now();
      const devd = connect(r.intakeSock);
      devd.end(`!system=CARP subsystem=1@vmx0 type=${to}\n`);
      devd.on('error', () => undefined);
      await waitFor(`gre0 ${to === 'MASTER' ? 'up' : 'down'}`, () => r.bsd.read().gre.gre0 === (to === 'MASTER'), 30_000, 5);
      return performance.now() - started;
    }

    let looping = false;
    const clients: Promise<number>[] = [];
    const startLoad = () => {
      looping = true;
      for (let c = 0; c < 31; c++) {
        // Each client keeps its connection and asks again as soon as it has its answer.
        clients.push(new Promise<number>((resolve, reject) => {
          const socket = connect(r.statusSock);
          let answers = 0;
          let buffer = '';
          const ask = () => socket.write(`${JSON.stringify({ v: 1, id: answers, cmd: 'history', args: { limit: 20 } })}\n`);
          socket.once('connect', ask);
          socket.on('error', reject);
          socket.on('data', (chunk: Buffer) => {
            buffer += chunk.toString();
            for (let end = buffer.indexOf('\n'); end >= 0; end = buffer.indexOf('\n')) {
              const reply = JSON.parse(buffer.slice(0, end));
              buffer = buffer.slice(end + 1);
              if (!reply.ok || reply.result.length !== 20) return reject(new Error(`bad history answer: ${JSON.stringify(reply).slice(0, 200)}`));
              answers++;
              if (looping) ask();
              else {
                socket.end();
                resolve(answers);
              }
            }
          });
        }));
      }
    };
    const stopLoad = async () => {
      looping = false;
      const answered = await Promise.all(clients.splice(0));
      return answered.reduce((a, b) => a + b, 0);
    };

    const idle: number[] = [];
    const loaded: number[] = [];
    let answered = 0;
    // Interleaved, so that whatever else the machine does weighs on both alike.
    for (let round = 0; round < 3; round++) {
      idle.push(await reaction('MASTER'), await reaction('BACKUP'));
      startLoad();
      await new Promise((resolve) => setTimeout(resolve, 300)); // the clients are in their loops
      loaded.push(await reaction('MASTER'), await reaction('BACKUP'));
      answered += await stopLoad();
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    process.stdout.write(`GRE reaction median: idle ${median(idle).toFixed(0)} ms, under history load ${median(loaded).toFixed(0)} ms (${answered} history answers)\n`);
    expect(answered).toBeGreaterThan(31 * 3);
    expect(median(loaded)).toBeLessThanOrEqual(2 * median(idle));
  });
});

describe('full state filesystem (item 9)', { timeout: 180_000 }, () => {
  /** A small tmpfs (root's, mode 0750) as the state directory; unmounted after. */
  async function tmpfs(r: Rig, size: string): Promise<void> {
    mkdirSync(r.stateDir, { recursive: true, mode: 0o750 });
    await run('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0750`, 'cfl-harden', r.stateDir]);
    cleanups.push(() => run('umount', ['-l', r.stateDir]).catch(() => undefined));
  }

  it.skipIf(!asRoot)('refuses at start a journal whose maximum does not fit the free space (exit 78)', async () => {
    const r = rig('journal: { max_bytes: 2097152, keep: 3 }\n');
    await tmpfs(r, '4m');
    const d = r.start();
    expect(await d.exited).toBe(78);
    expect(d.output()).toMatch(/journal: max_bytes 2097152 × \(keep 3 \+ 1\) = 8388608 bytes does not fit on the state filesystem of .*: \d+ bytes free, 0 used by the journal, 1048576 kept for the demotion record and flags/);
    expect(r.bsd.read().writes ?? []).toEqual([]);
  });

  it.skipIf(!asRoot)('a filled filesystem never blocks demotion or flags: a hand-made flag file is applied; drain fails whole or applies whole', async () => {
    const r = rig('journal: { max_bytes: 262144, keep: 1 }\n');
    await tmpfs(r, '4m');
    r.start();
    await waitFor('the boot hold released', async () => (await status(r.statusSock)).demotion.ours.boot === 0, 60_000);
    // Someone else fills the filesystem to the last block.
    await run('dd', ['if=/dev/zero', `of=${join(r.stateDir, 'filler')}`, 'bs=64k']).catch(() => undefined);
    const drain = await cli('drain', '-c', r.configPath);
    expect(drain.code).not.toBe(0);
    expect(drain.out).toMatch(/cannot write the drain flag file .*no space left on device/i);
    expect(existsSync(join(r.stateDir, 'drain'))).toBe(false);
    expect((await status(r.statusSock)).demotion.ours.maintenance).toBe(0);
    expect(r.bsd.read().demotion).toBe(0);
    // Room for a few state files, less than the journal's reserve: the journal stops, the rest goes on.
    await run('truncate', ['-s', `-${512 * 1024}`, join(r.stateDir, 'filler')]);
    const journalErrors = (await status(r.statusSock)).counters.journalErrors;
    expect((await cli('drain', '-c', r.configPath)).code).toBe(0);
    expect(existsSync(join(r.stateDir, 'drain'))).toBe(true);
    expect(r.bsd.read().demotion).toBe(240);
    expect((await cli('undrain', '-c', r.configPath)).code).toBe(0);
    expect(r.bsd.read().demotion).toBe(0);
    // A flag file made by hand (configuration management) becomes the maintenance demotion.
    writeFileSync(join(r.stateDir, 'drain'), '');
    await waitFor('the hand-made drain applied', () => r.bsd.read().demotion === 240, 30_000);
    const report = await waitFor('status to show it', async () => {
      const s = await status(r.statusSock);
      return s.demotion.ours.maintenance === 240 ? s : null;
    });
    expect(report.flags.drain).toBe(true);
    // The journal was refused meanwhile (its entries dropped and counted), and nothing else was.
    expect(journalErrors).toBeGreaterThan(0);
    expect(report.counters.journalErrors).toBeGreaterThanOrEqual(journalErrors);
  });
});

function run(file: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${file} ${args.join(' ')} exited ${code}`))));
  });
}
