// The real daemon process end to end, with file-backed FreeBSD stand-ins: start, status, devd
// events, SIGHUP with a broken and a good config, a second instance, a stale socket after kill -9,
// SIGTERM.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeFreeBsd } from './support/fake-freebsd.js';
import { request, startDaemon, waitFor, type DaemonProcess } from './support/daemon-process.js';

const dir = mkdtempSync(join(tmpdir(), 'cf-daemon-'));
const bsd = new FakeFreeBsd({ carp: { vmx0: { '1': 'BACKUP' } }, gre: { gre0: false }, demotion: 0, preempt: 1, allow: 1 });
const statusSock = join(dir, 'run', 'status.sock');
const intakeSock = join(dir, 'run', 'intake.sock');
const configPath = join(dir, 'carp-failover.yaml');

function config(extra = ''): string {
  return `node: router-002
carp:
  vhids:
    - { vhid: 1, interface: vmx0 }
settle: { local_ms: 0, provider_ms: 0 }
reconcile: { period_s: 1 }
sockets:
  intake: { path: ${intakeSock} }
  status: { path: ${statusSock}, mode: "0640" }
state_dir: ${join(dir, 'state')}
commands: { ifconfig: ${bsd.ifconfig}, sysctl: ${bsd.sysctl} }
gre:
  tunnels:
    - { interface: gre0 }
${extra}`;
}

let daemon: DaemonProcess;

async function status(): Promise<any> {
  const reply = await request(statusSock, { cmd: 'status' });
  expect(reply.ok).toBe(true);
  return reply.result;
}

beforeAll(async () => {
  writeFileSync(configPath, config());
  daemon = startDaemon(configPath);
  // The status socket answers before the intake socket and the signal handlers exist: wait for
  // the line logged once both are in place (a loaded machine widens that gap).
  await waitFor('the daemon to be running', () => daemon.output().includes('carp-failover running'), 20_000);
}, 30_000);

afterAll(async () => {
  daemon.child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
  bsd.remove();
});

describe('the daemon process', () => {
  it('starts, gives the sockets their modes and answers status', async () => {
    expect(statSync(statusSock).mode & 0o777).toBe(0o640);
    expect(statSync(intakeSock).mode & 0o777).toBe(0o600);
    const report = await waitFor('the boot hold-down to be released', async () => {
      const r = await status();
      return r.demotion.ours.boot === 0 && r.lastReconcile ? r : null;
    });
    expect(report).toMatchObject({ version: 1, node: 'router-002', role: 'BACKUP', pid: daemon.child.pid });
    expect(report.resources.map((r: { id: string }) => r.id)).toEqual(['gre:gre0']);
    // The boot hold-down was applied before the first observation, then released exactly.
    expect(bsd.read().writes).toEqual([240, -240]);
    expect(bsd.read().demotion).toBe(0);
  });

  it('follows a devd event to MASTER and brings the tunnel up', async () => {
    bsd.setCarp('vmx0', 1, 'MASTER');
    execFileSync('nc', ['-N', '-U', intakeSock], { input: '!system=CARP subsystem=1@vmx0 type=MASTER\n' });
    const report = await waitFor('MASTER with gre0 up', async () => {
      const r = await status();
      return r.role === 'MASTER' && bsd.read().gre.gre0 ? r : null;
    });
    expect(report.counters.eventsReceived).toBeGreaterThanOrEqual(1);
    expect(report.counters.transitions).toBeGreaterThanOrEqual(2);
  });

  it('keeps running on the old config when SIGHUP brings a broken one', async () => {
    writeFileSync(configPath, config('ovh: { nonsense: true }\n'));
    daemon.child.kill('SIGHUP');
    const report = await waitFor('the reload failure', async () => {
      const r = await status();
      return r.config.reloadFailures === 1 ? r : null;
    });
    expect(report.config.reloads).toBe(0);
    expect(report.role).toBe('MASTER');
    expect(daemon.output()).toContain('reload refused');
  });

  it('refuses a reload that changes the commands, which need a restart', async () => {
    writeFileSync(configPath, config().replace(`sysctl: ${bsd.sysctl}`, 'sysctl: /sbin/sysctl'));
    daemon.child.kill('SIGHUP');
    const report = await waitFor('the second reload failure', async () => {
      const r = await status();
      return r.config.reloadFailures === 2 ? r : null;
    });
    expect(report.config.reloads).toBe(0);
    expect(daemon.output()).toContain('commands (ifconfig, sysctl, timeout_ms) changed: restart the service');
  });

  it('applies a good config on SIGHUP without losing MASTER', async () => {
    writeFileSync(configPath, config().replace('- { interface: gre0 }', '- { interface: gre0, mode: always-up }'));
    daemon.child.kill('SIGHUP');
    const report = await waitFor('the reload', async () => {
      const r = await status();
      return r.config.reloads === 1 ? r : null;
    });
    expect(report.role).toBe('MASTER');
    expect(report.counters.configReloads).toBe(1);
  });

  it('refuses a second instance while the first runs', async () => {
    const second = startDaemon(configPath);
    expect(await second.exited).toBe(75);
    expect(second.output()).toMatch(/another|in use|answers/i);
    expect((await status()).role).toBe('MASTER');
  });

  it('replaces stale socket files after kill -9 and stops cleanly on SIGTERM', async () => {
    daemon.child.kill('SIGKILL');
    await daemon.exited;
    expect(existsSync(statusSock)).toBe(true);
    daemon = startDaemon(configPath);
    await waitFor('the restarted daemon', async () => daemon.output().includes('carp-failover running') && (await status()).pid === daemon.child.pid, 20_000);
    daemon.child.kill('SIGTERM');
    expect(await daemon.exited).toBe(0);
    expect(existsSync(statusSock)).toBe(false);
    expect(existsSync(intakeSock)).toBe(false);
  });
});
