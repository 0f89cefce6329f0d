// Drain and freeze against the real daemon process, through both paths operators use: the CLI
// (write commands on the intake socket) and flag files in the state directory (configuration
// management). The FreeBSD stand-ins apply demotion writes the way ip_carp.c does (they add).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeFreeBsd } from './support/fake-freebsd.js';
import { cliArgv, request, startDaemon, waitFor, type DaemonProcess } from './support/daemon-process.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'cf-flags-'));
const stateDir = join(dir, 'state');
const bsd = new FakeFreeBsd({ carp: { vmx0: { '1': 'MASTER' } }, gre: { gre0: false }, demotion: 0, preempt: 1, allow: 1 });
const configPath = join(dir, 'carp-failover.yaml');
const statusSock = join(dir, 'status.sock');
writeFileSync(
  configPath,
  `node: router-002
carp:
  vhids: [{ vhid: 1, interface: vmx0 }]
  demotion: { maintenance: 240 }
settle: { local_ms: 0, provider_ms: 0 }
reconcile: { period_s: 1 }
sockets:
  intake: { path: ${join(dir, 'intake.sock')} }
  status: { path: ${statusSock} }
state_dir: ${stateDir}
commands: { ifconfig: ${bsd.ifconfig}, sysctl: ${bsd.sysctl} }
gre:
  tunnels: [{ interface: gre0 }]
`,
);

let daemon: DaemonProcess;

async function status(): Promise<any> {
  return (await request(statusSock, { cmd: 'status' })).result;
}

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const [file, ...rest] = cliArgv(...args, '-c', configPath);
  try {
    const { stdout, stderr } = await run(file!, rest, { timeout: 30_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(async () => {
  daemon = startDaemon(configPath);
  await waitFor('MASTER with gre0 up', async () => (await status()).role === 'MASTER' && bsd.read().gre.gre0, 20_000);
}, 30_000);

afterAll(() => {
  daemon.child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
  bsd.remove();
});

describe('drain and freeze on the running daemon', () => {
  it('drain through the CLI persists the flag and applies the maintenance demotion, then --wait confirms once the peer took over', async () => {
    const drain = await cli('drain');
    expect(drain.code).toBe(0);
    expect(existsSync(join(stateDir, 'drain'))).toBe(true);
    expect(bsd.read().demotion).toBe(240);
    const report = await status();
    expect(report.flags.drain).toBe(true);
    expect(report.demotion.ours.maintenance).toBe(240);
    expect(report.drain.drained).toBe(false);
    expect(report.drain.conditions.find((c: { name: string }) => c.name === 'vhids').met).toBe(false);
    // The demotion makes the peer preempt: the kernel turns this vhid BACKUP.
    bsd.setCarp('vmx0', 1, 'BACKUP');
    const wait = await cli('drain', '--wait', '--timeout', '20');
    expect(wait.code).toBe(0);
    expect(wait.stdout).toMatch(/drained/);
    expect(bsd.read().gre.gre0).toBe(false);
  });

  it('undrain by removing the flag file (the configuration-management path) releases the demotion', async () => {
    unlinkSync(join(stateDir, 'drain'));
    const report = await waitFor('undrained', async () => {
      const r = await status();
      return r.flags.drain === false && r.demotion.ours.maintenance === 0 ? r : null;
    });
    expect(report.drain).toBeNull();
    expect(bsd.read().demotion).toBe(0);
  });

  it('a freeze file stops every change until it is removed; thaw through the CLI resumes', async () => {
    writeFileSync(join(stateDir, 'freeze'), '');
    await waitFor('frozen', async () => (await status()).flags.freeze === true);
    bsd.setCarp('vmx0', 1, 'MASTER');
    const frozen = await waitFor('MASTER observed while frozen', async () => {
      const r = await status();
      return r.role === 'MASTER' && r.resources[0].waiting === 'frozen' ? r : null;
    });
    expect(frozen.resources[0].inSync).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(bsd.read().gre.gre0).toBe(false);
    expect((await cli('thaw')).code).toBe(0);
    expect(existsSync(join(stateDir, 'freeze'))).toBe(false);
    await waitFor('gre0 up after thaw', () => bsd.read().gre.gre0);
  });

  it('a drain survives a restart: re-applied at start, never applied twice', async () => {
    expect((await cli('drain')).code).toBe(0);
    expect(bsd.read().demotion).toBe(240);
    daemon.child.kill('SIGTERM');
    expect(await daemon.exited).toBe(0);
    // A clean stop keeps the maintenance demotion: the drain is the operator's until undrain.
    expect(bsd.read().demotion).toBe(240);
    daemon = startDaemon(configPath);
    const report = await waitFor('restarted and drained', async () => {
      const r = await status();
      return r.pid === daemon.child.pid && r.lastReconcile ? r : null;
    }, 20_000);
    expect(report.flags.drain).toBe(true);
    expect(report.demotion.ours.maintenance).toBe(240);
    expect(bsd.read().demotion).toBe(240);
    expect((await cli('undrain')).code).toBe(0);
    expect(bsd.read().demotion).toBe(0);
  });
});
