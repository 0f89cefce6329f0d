// Both ways to set the operator flags, end to end over the real pieces: the CLI commands talk to
// the real intake and status sockets (src/control/), whose ServiceApi persists through a real
// FlagStore; flag files created or removed by hand show up in status through the watcher. The
// service here is a stand-in for the daemon (src/daemon.ts wires the same pieces): status is a
// report built from the store's flags, drained once the flag is on.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeDrainCommands } from '../../src/cli/commands/drain.js';
import { request } from '../../src/cli/client.js';
import type { CliIo } from '../../src/cli/command-spec.js';
import { EXIT } from '../../src/exit-codes.js';
import { startIntakeSocket } from '../../src/events/intake-socket.js';
import type { ServiceApi } from '../../src/control/service-api.js';
import type { SocketServer } from '../../src/control/socket-server.js';
import { startStatusSocket } from '../../src/control/status-socket.js';
import { FlagStore } from '../../src/flags/store.js';
import { drainConditions } from '../../src/status/drain.js';
import type { StatusReport } from '../../src/status/model.js';
import { captureLogger } from '../fakes/logger.js';
import { drainedReport } from '../fakes/status-report.js';

let dir: string;
let stateDir: string;
let configPath: string;
let store: FlagStore;
let sockets: SocketServer[] = [];
let reconciles = 0;

function report(): StatusReport {
  const flags = store.get();
  const base = drainedReport({
    flags,
    demotion: { total: flags.drain ? 240 : 0, ours: { boot: 0, maintenance: flags.drain ? 240 : 0, readiness: 0, path: 0, failback: 0 }, preempt: true, allow: true },
  });
  return { ...base, drain: flags.drain ? drainConditions(base) : null };
}

async function startService(): Promise<void> {
  const { log } = captureLogger('warn');
  store = await FlagStore.open({ stateDir, log, debounceMs: 20 });
  store.onChange(() => {
    reconciles++; // the daemon requests a reconcile here
  });
  await store.ready();
  const api: ServiceApi = {
    status: report,
    history: async () => [],
    onEvent: () => undefined,
    onDrop: () => undefined,
    reconcileNow: async () => ({ reconcileId: 'r', ok: true }),
    releaseFailback: async () => ({ released: false, report: report() }),
    setFlag: async (flag, on) => {
      await store.set(flag, on, { who: 'test' });
      return report();
    },
  };
  sockets = [
    await startIntakeSocket({ path: join(dir, 'intake.sock'), mode: 0o600, maxClients: 8, idleTimeoutMs: 5000, followed: () => [], api, log }),
    await startStatusSocket({ path: join(dir, 'status.sock'), mode: 0o660, group: null, maxClients: 8, idleTimeoutMs: 5000, api, log }),
  ];
}

async function stopService(): Promise<void> {
  await Promise.all(sockets.map((s) => s.close()));
  sockets = [];
  await store.close();
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cf-flagpaths-'));
  stateDir = join(dir, 'state');
  configPath = join(dir, 'carp-failover.yaml');
  writeFileSync(
    configPath,
    `node: router-002\ncarp:\n  vhids: [{ vhid: 1, interface: vmx0 }]\nstate_dir: ${stateDir}\nsockets:\n  intake: { path: ${join(dir, 'intake.sock')} }\n  status: { path: ${join(dir, 'status.sock')} }\n`,
  );
  reconciles = 0;
  await startService();
});

afterEach(async () => {
  await stopService();
  rmSync(dir, { recursive: true, force: true });
});

function io(): CliIo & { out: string; err: string } {
  const o = { out: '', err: '', isTTY: false, stdout: (t: string) => void (o.out += t), stderr: (t: string) => void (o.err += t) };
  return o;
}

async function cli(words: string, options: Record<string, string | number | boolean> = {}) {
  const spec = makeDrainCommands({ pollIntervalMs: 20 }).find((c) => c.words.join(' ') === words)!;
  const out = io();
  const status = await spec.run({ options: { config: configPath, ...options }, args: [], io: out, env: {} });
  return { status, out };
}

async function statusReport(): Promise<StatusReport> {
  return (await request(join(dir, 'status.sock'), 'status')) as StatusReport;
}

async function eventually(predicate: () => Promise<boolean> | boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!(await predicate())) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('operator flags: the CLI path and the flag-file path', () => {
  it('CLI: drain --wait writes the flag file through the intake socket and confirms over the status socket', async () => {
    const { status, out } = await cli('drain', { wait: true, timeout: 5 });
    expect(out.err).toBe('');
    expect(status).toBe(EXIT.OK);
    expect(JSON.parse(readFileSync(join(stateDir, 'drain'), 'utf8'))).toMatchObject({ flag: 'drain', who: 'test' });
    expect((await statusReport()).flags).toEqual({ drain: true, freeze: false });
    expect(reconciles).toBe(1);

    expect((await cli('undrain')).status).toBe(EXIT.OK);
    expect(existsSync(join(stateDir, 'drain'))).toBe(false);
    expect((await statusReport()).drain).toBeNull();
  });

  it('CLI: freeze and thaw create and remove the freeze file', async () => {
    expect((await cli('freeze')).status).toBe(EXIT.OK);
    expect(existsSync(join(stateDir, 'freeze'))).toBe(true);
    expect((await statusReport()).flags.freeze).toBe(true);
    expect((await cli('thaw')).status).toBe(EXIT.OK);
    expect(existsSync(join(stateDir, 'freeze'))).toBe(false);
    expect((await statusReport()).flags.freeze).toBe(false);
  });

  it('flag files: created and removed by hand, seen in status over the socket', async () => {
    writeFileSync(join(stateDir, 'drain'), '{"who":"ansible"}\n');
    await eventually(async () => (await statusReport()).flags.drain);
    expect(reconciles).toBe(1);
    // drain --wait with the flag already set only waits
    const { status } = await cli('drain', { wait: true, timeout: 5 });
    expect(status).toBe(EXIT.OK);
    writeFileSync(join(stateDir, 'freeze'), '');
    await eventually(async () => (await statusReport()).flags.freeze);
    rmSync(join(stateDir, 'drain'));
    rmSync(join(stateDir, 'freeze'));
    await eventually(async () => {
      const flags = (await statusReport()).flags;
      return !flags.drain && !flags.freeze;
    });
  });

  it('a restart keeps the flags set either way', async () => {
    await cli('drain');
    writeFileSync(join(stateDir, 'freeze'), '');
    await eventually(() => store.get().freeze);
    await stopService();
    await startService();
    expect(store.get()).toEqual({ drain: true, freeze: true });
    expect((await statusReport()).flags).toEqual({ drain: true, freeze: true });
  });
});
