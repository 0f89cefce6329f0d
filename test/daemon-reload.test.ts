// SIGHUP and SIGTERM on the real daemon process (file-backed FreeBSD stand-ins): a reload whose
// new status socket path is taken by another process changes nothing; a burst of SIGHUPs with
// alternating configs ends on the file's content; SIGHUPs during start-up are applied after it;
// a second SIGTERM still stops cleanly.
import { existsSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { FakeFreeBsd } from './support/fake-freebsd.js';
import { request, startDaemon, waitFor, type DaemonProcess } from './support/daemon-process.js';

const dir = mkdtempSync(join(tmpdir(), 'cf-reload-'));
const bsd = new FakeFreeBsd({ carp: { vmx0: { '1': 'BACKUP' } }, gre: { gre0: false, gre1: false }, demotion: 0, preempt: 1, allow: 1 });
const configPath = join(dir, 'carp-failover.yaml');
const statusSock = join(dir, 'status.sock');
const intakeSock = join(dir, 'intake.sock');
const running: DaemonProcess[] = [];

function config(options: { status?: string; tunnels?: string[] } = {}): string {
  return `node: router-002
carp:
  vhids: [{ vhid: 1, interface: vmx0 }]
settle: { local_ms: 0, provider_ms: 0 }
reconcile: { period_s: 1 }
sockets:
  intake: { path: ${intakeSock} }
  status: { path: ${options.status ?? statusSock} }
state_dir: ${join(dir, 'state')}
commands: { ifconfig: ${bsd.ifconfig}, sysctl: ${bsd.sysctl} }
gre:
  tunnels: [${(options.tunnels ?? ['gre0']).map((t) => `{ interface: ${t} }`).join(', ')}]
`;
}

function start(): DaemonProcess {
  const daemon = startDaemon(configPath);
  running.push(daemon);
  return daemon;
}

async function status(path = statusSock): Promise<any> {
  const reply = await request(path, { cmd: 'status' });
  expect(reply.ok).toBe(true);
  return reply.result;
}

/** Stops a daemon with SIGTERM and checks it exits 0 and leaves no socket file. */
async function stopCleanly(daemon: DaemonProcess): Promise<void> {
  daemon.child.kill('SIGTERM');
  expect(await daemon.exited).toBe(0);
  expect(existsSync(statusSock)).toBe(false);
  expect(existsSync(intakeSock)).toBe(false);
}

afterEach(async () => {
  for (const daemon of running.splice(0)) if (daemon.child.exitCode === null && daemon.child.signalCode === null) daemon.child.kill('SIGKILL');
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  bsd.remove();
});

describe('reload and signals on the real daemon', () => {
  it('a SIGHUP whose new status path another process answers on leaves the daemon on its old sockets', async () => {
    writeFileSync(configPath, config());
    const daemon = start();
    await waitFor('the daemon', async () => (await status()).lastReconcile, 30_000);
    const busyPath = join(dir, 'busy.sock');
    const squatter: Server = createServer((socket) => {
      socket.on('error', () => undefined); // the daemon's probe hangs up at once
      socket.end('{"not":"carp-failover"}\n');
    });
    await new Promise<void>((resolve) => squatter.listen(busyPath, resolve));
    try {
      writeFileSync(configPath, config({ status: busyPath, tunnels: ['gre0', 'gre1'] }));
      daemon.child.kill('SIGHUP');
      const report = await waitFor('the refused reload', async () => {
        const r = await status();
        return r.config.reloadFailures === 1 ? r : null;
      }, 20_000);
      // Nothing of the new config was applied: same resources, same sockets, same process.
      expect(report.config.reloads).toBe(0);
      expect(report.resources.map((r: { id: string }) => r.id)).toEqual(['gre:gre0']);
      expect(report.pid).toBe(daemon.child.pid);
      expect(existsSync(intakeSock)).toBe(true);
      expect(daemon.output()).toMatch(/reload refused: the running configuration is kept/);
      expect(daemon.child.exitCode).toBeNull();
    } finally {
      await new Promise<void>((resolve) => squatter.close(() => resolve()));
    }
    await stopCleanly(daemon);
  }, 60_000);

  it('50 SIGHUPs in one second with alternating configs end on the content of the file', async () => {
    writeFileSync(configPath, config());
    const daemon = start();
    await waitFor('the daemon', async () => (await status()).lastReconcile, 30_000);
    const variants = [config({ tunnels: ['gre0', 'gre1'] }), config({ tunnels: ['gre1'] })];
    const started = Date.now();
    for (let i = 0; i < 50; i++) {
      await new Promise((resolve) => setTimeout(resolve, started + i * 10 - Date.now()));
      // As configuration management writes it: a whole file renamed into place.
      writeFileSync(`${configPath}.new`, variants[i % 2]!);
      renameSync(`${configPath}.new`, configPath);
      daemon.child.kill('SIGHUP');
    }
    const burstMs = Date.now() - started;
    // The last file written is variants[1]: only gre1.
    const settled = await waitFor('the reloads to settle on the last file', async () => {
      const a = await status();
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const b = await status();
      return a.config.reloads === b.config.reloads && b.resources.map((r: { id: string }) => r.id).join() === 'gre:gre1' ? b : null;
    }, 60_000);
    console.log(`50 SIGHUPs in ${burstMs} ms: ${settled.config.reloads} reloads applied, ${settled.config.reloadFailures} refused`);
    expect(burstMs).toBeLessThanOrEqual(1000);
    expect(settled.config.reloadFailures).toBe(0);
    expect(settled.config.reloads).toBeGreaterThanOrEqual(1);
    expect(settled.config.reloads).toBeLessThanOrEqual(50);
    expect(settled.pid).toBe(daemon.child.pid);
    await stopCleanly(daemon);
  }, 120_000);

  for (const delayMs of [10, 50, 200]) {
    it(`a SIGHUP ${delayMs} ms into start-up is applied after start, never fatal`, async () => {
      writeFileSync(configPath, config());
      rmSync(join(dir, 'state'), { recursive: true, force: true });
      const daemon = start();
      // Start-up has begun when the daemon, its config read, creates its state directory (for
      // the instance lock); from there on it binds sockets, reads the kernel and starts the engine.
      await waitFor('the daemon to begin its start-up', () => existsSync(join(dir, 'state')), 20_000, 1);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      daemon.child.kill('SIGHUP');
      const report = await waitFor('the reload applied after start', async () => {
        const r = await status();
        return r.config.reloads >= 1 ? r : null;
      }, 30_000);
      expect(report.pid).toBe(daemon.child.pid);
      expect(daemon.child.exitCode).toBeNull();
      expect(daemon.child.signalCode).toBeNull();
      await stopCleanly(daemon);
    }, 60_000);
  }

  it('a second SIGTERM while stopping still cleans up: exit 0, socket files removed', async () => {
    writeFileSync(configPath, config());
    const daemon = start();
    await waitFor('the daemon', async () => (await status()).lastReconcile, 30_000);
    daemon.child.kill('SIGTERM');
    daemon.child.kill('SIGTERM');
    expect(await daemon.exited).toBe(0);
    expect(existsSync(statusSock)).toBe(false);
    expect(existsSync(intakeSock)).toBe(false);
    expect(existsSync(join(dir, 'state', 'daemon.lock'))).toBe(false);
  }, 60_000);
});
