// Path checks and fail-back on the real daemon process (FreeBSD stand-ins for ifconfig and
// sysctl, whose demotion writes add like ip_carp.c's): a tcp check against a listener this test
// opens and closes, the path share in the kernel counter, status and `release` through the CLI.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeFreeBsd } from './support/fake-freebsd.js';
import { cliArgv, request, startDaemon, waitFor, type DaemonProcess } from './support/daemon-process.js';
import { daemonConfigText } from './support/daemon-config.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'cfe-daemon-'));
const stateDir = join(dir, 'state');
const bsd = new FakeFreeBsd({ carp: { vmx0: { '1': 'MASTER' } }, gre: {}, demotion: 0, preempt: 1, allow: 1 });
const configPath = join(dir, 'carp-failover.yaml');
const statusSock = join(dir, 'status.sock');
let upstream: Server | null = null;
let port = 0;
let daemon: DaemonProcess;

async function status(): Promise<any> {
  return (await request(statusSock, { cmd: 'status' })).result;
}

async function cli(...args: string[]): Promise<{ code: number; stdout: string }> {
  const [file, ...rest] = cliArgv(...args, '-c', configPath);
  try {
    return { code: 0, stdout: (await run(file!, rest, { timeout: 30_000 })).stdout };
  } catch (error) {
    const e = error as { code: number; stdout: string };
    return { code: e.code, stdout: e.stdout };
  }
}

async function openUpstream(): Promise<void> {
  upstream = createServer((s) => s.destroy());
  await new Promise<void>((resolve) => upstream!.listen(port, '127.0.0.1', resolve));
  port = (upstream.address() as { port: number }).port;
}

beforeAll(async () => {
  await openUpstream();
  writeFileSync(
    configPath,
    daemonConfigText({ dir, statusSock, stateDir: stateDir, bsd, extra: `health:
  checks: [{ name: upstream, type: tcp, host: 127.0.0.1, port: ${port}, interval_ms: 300, timeout_ms: 200, fall: 2, rise: 2, weight: 200 }]
failback: { mode: manual }
` }),
  );
  daemon = startDaemon(configPath);
  await waitFor('MASTER with the check up', async () => {
    const s = await status().catch(() => null);
    return s?.role === 'MASTER' && s.election.checks[0]?.state === 'up' && s.lastReconcile !== null;
  }, 30_000);
}, 40_000);

afterAll(async () => {
  daemon.child.kill('SIGKILL');
  await new Promise((resolve) => (upstream ? upstream.close(resolve) : resolve(undefined)));
  rmSync(dir, { recursive: true, force: true });
  bsd.remove();
});

describe('the election in the running daemon', () => {
  it('a dead upstream adds the path share to the kernel counter; back, it is removed', async () => {
    expect(bsd.read().demotion).toBe(0);
    await new Promise((resolve) => upstream!.close(resolve));
    upstream = null;
    await waitFor('path demotion applied', () => bsd.read().demotion === 200, 15_000);
    // Status reads the counter back after each run: the next one shows it.
    const down = await waitFor('status shows it', async () => {
      const s = await status();
      return s.demotion.ours.path === 200 ? s : null;
    }, 5000);
    expect(down.election.checks[0]).toMatchObject({ name: 'upstream', state: 'down', demotion: 200, lastResult: { ok: false, detail: `ECONNREFUSED connecting to 127.0.0.1:${port}` } });
    const text = await cli('status');
    expect(text.stdout).toMatch(/paths +path demotion 200/);
    expect(text.stdout).toMatch(/upstream +tcp +127\.0\.0\.1:\d+ +DOWN/);
    await openUpstream();
    await waitFor('path demotion removed', () => bsd.read().demotion === 0, 15_000);
    expect(existsSync(join(stateDir, 'failback.json'))).toBe(true);
  }, 40_000);

  it('a lost MASTER (the kernel says BACKUP while path-demoted) arms the manual hold; release ends it', async () => {
    await new Promise((resolve) => upstream!.close(resolve));
    upstream = null;
    await waitFor('path demotion applied', () => bsd.read().demotion === 200, 15_000);
    const state = bsd.read();
    state.carp.vmx0!['1'] = 'BACKUP'; // the peer preempted this demoted MASTER
    bsd.write(state);
    await waitFor('failback held', () => bsd.read().demotion === 440, 15_000);
    await openUpstream();
    await waitFor('path released, failback kept', () => bsd.read().demotion === 240, 15_000);
    const held = await waitFor('status shows the hold', async () => {
      const r = await status();
      return r.demotion.ours.failback === 240 && r.demotion.ours.path === 0 ? r : null;
    }, 5000);
    expect(held.election.failback).toMatchObject({ mode: 'manual', state: 'holding', reason: 'lost MASTER while demoted for path', demotion: 240 });
    expect(JSON.parse(readFileSync(join(stateDir, 'failback.json'), 'utf8'))).toMatchObject({ leader: false, hold: { reason: 'lost MASTER while demoted for path' } });
    const release = await cli('release');
    expect(release).toEqual({ code: 0, stdout: 'released: the failback demotion is removed; router-002 may take MASTER back (with preempt)\n' });
    expect(bsd.read().demotion).toBe(0);
    expect((await cli('release')).code).toBe(1);
  }, 60_000);
});
