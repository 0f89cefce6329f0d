import { randomBytes } from 'node:crypto';
import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startIntakeSocket } from '../../src/events/intake-socket.js';
import type { SocketServer } from '../../src/control/socket-server.js';
import { startStatusSocket } from '../../src/control/status-socket.js';
import type { FollowedVhid } from '../../src/host/freebsd/ports.js';
import { FakeServiceApi } from '../fakes/service-api.js';
import { captureLogger, type CapturedLogger } from '../fakes/logger.js';
import { ask, connect, sendAndClose, tempSocketDir } from '../support/unix-client.js';
import { waitFor } from '../support/wait.js';

const MASTER = '!system=CARP subsystem=1@vmx0 type=MASTER';

let dir: string;
let cleanup: () => Promise<void>;
let api: FakeServiceApi;
let logger: CapturedLogger;
let followed: FollowedVhid[];
let intake: SocketServer;
let status: SocketServer;

async function startBoth(maxClients = 32, idleTimeoutMs = 2000): Promise<void> {
  intake = await startIntakeSocket({
    path: join(dir, 'intake.sock'),
    mode: 0o600,
    maxClients,
    idleTimeoutMs,
    followed: () => followed,
    api,
    log: logger.log,
  });
  status = await startStatusSocket({ path: join(dir, 'status.sock'), mode: 0o660, group: null, maxClients: 8, idleTimeoutMs: 2000, api, log: logger.log });
}

/** The status socket answers, and reports what the intake delivered and dropped. */
async function statusCounters(): Promise<Record<string, number>> {
  const reply = (await ask(status.path, { v: 1, cmd: 'status' })) as { ok: boolean; result: { counters: Record<string, number> } };
  expect(reply.ok).toBe(true);
  return reply.result.counters;
}

beforeEach(async () => {
  ({ dir, cleanup } = await tempSocketDir());
  api = new FakeServiceApi();
  logger = captureLogger('info');
  followed = [
    { vhid: 1, interface: 'vmx0' },
    { vhid: 2, interface: 'vmx0' },
  ];
});
afterEach(async () => {
  await Promise.all([intake?.close(), status?.close()]);
  await cleanup();
});

describe('intake socket: devd lines', () => {
  beforeEach(() => startBoth());

  it('is root-only (0600) while the status socket is 0660', async () => {
    expect((await lstat(intake.path)).mode & 0o777).toBe(0o600);
    expect((await lstat(status.path)).mode & 0o777).toBe(0o660);
  });

  it('delivers the line a devd action sends through OpenBSD nc -N -U', async () => {
    const result = await execa('nc', ['-N', '-U', intake.path], { input: `${MASTER}\n`, timeout: 5000 });
    expect(result.exitCode).toBe(0);
    await waitFor('api.events.length === 1', () => api.events.length === 1, 5000, 5);
    expect(api.events).toEqual([{ system: 'CARP', subsystem: '1@vmx0', type: 'MASTER', vhid: 1, interface: 'vmx0' }]);
    expect(result.stdout).toBe(''); // devd lines get no reply
  });

  it('takes many lines per connection, with and without "!", CRLF included', async () => {
    const lines = Array.from({ length: 1000 }, (_, i) => `${i % 2 ? '!' : ''}system=CARP subsystem=${(i % 2) + 1}@vmx0 type=${i % 3 ? 'BACKUP' : 'MASTER'}${i % 5 ? '' : '\r'}`);
    await sendAndClose(intake.path, lines.join('\n') + '\n');
    await waitFor('api.events.length === 1000', () => api.events.length === 1000, 5000, 5);
    expect(api.totalDrops()).toBe(0);
    expect(api.events[1]).toEqual({ system: 'CARP', subsystem: '2@vmx0', type: 'BACKUP', vhid: 2, interface: 'vmx0' });
  });

  it('counts malformed lines, other systems and unfollowed vhids as drops, never as events', async () => {
    await sendAndClose(
      intake.path,
      [
        'garbage',
        '!system=CARP subsystem=1@vmx0 type=PROMOTED',
        '!system=CARP subsystem=300@vmx0 type=MASTER',
        '!system=IFNET subsystem=vmx0 type=LINK_UP',
        '!system=CARP subsystem=9@vmx0 type=MASTER',
        '!system=CARP subsystem=1@vmx1 type=MASTER',
        MASTER,
      ].join('\n') + '\n',
    );
    await waitFor('api.events.length + api.totalDrops() === 7', () => api.events.length + api.totalDrops() === 7, 5000, 5);
    expect(api.drops).toEqual({ malformed: 3, 'unknown-system': 1, 'unfollowed-vhid': 2 });
    expect(api.events).toHaveLength(1);
    expect(await statusCounters()).toMatchObject({ events_received: 1, events_dropped: 6 });
  });

  it('follows the vhid list as it is now (SIGHUP may change it)', async () => {
    followed = [{ vhid: 9, interface: 'vmx0' }];
    await sendAndClose(intake.path, `${MASTER}\n!system=CARP subsystem=9@vmx0 type=MASTER\n`);
    await waitFor('api.events.length + api.totalDrops() === 2', () => api.events.length + api.totalDrops() === 2, 5000, 5);
    expect(api.events.map((e) => e.vhid)).toEqual([9]);
    expect(api.drops).toEqual({ 'unfollowed-vhid': 1 });
  });

  it('drops a half line at close and non-UTF-8, delivers what follows a 1 MiB line', async () => {
    await sendAndClose(intake.path, Buffer.concat([Buffer.from([0xff, 0xfe, 0x0a]), Buffer.alloc(1 << 20, 0x21), Buffer.from(`\n${MASTER}\n${MASTER.slice(0, 20)}`)]));
    await waitFor('api.totalDrops() === 3', () => api.totalDrops() === 3, 5000, 5);
    expect(api.drops).toEqual({ 'not-utf8': 1, oversized: 1, malformed: 1 });
    expect(api.events).toHaveLength(1);
    expect(await statusCounters()).toMatchObject({ dropped_oversized: 1, 'dropped_not-utf8': 1, dropped_malformed: 1 });
  });

  it('keeps answering status while clients are mid-way through a 1 MiB line, a half line, or silent', async () => {
    const long = await connect(intake.path);
    long.socket.write(Buffer.alloc(1 << 20, 0x61)); // no newline yet
    const half = await connect(intake.path);
    half.socket.write(MASTER.slice(0, 25));
    const silent = await connect(intake.path);
    await waitFor('the oversized line to be reported', () => api.drops.oversized === 1, 5000, 5);
    expect(await statusCounters()).toMatchObject({ dropped_oversized: 1 });
    long.socket.end(`tail\n${MASTER}\n`);
    half.socket.end();
    silent.socket.end();
    await Promise.all([long.closed, half.closed, silent.closed]);
    expect(api.drops).toEqual({ oversized: 1, malformed: 1 });
    expect(api.events).toHaveLength(1);
  });

  it('survives random bytes on many connections and keeps answering status meanwhile', async () => {
    const floods = Array.from({ length: 20 }, () => sendAndClose(intake.path, randomBytes(256 * 1024)));
    const during = await statusCounters();
    expect(during).toBeDefined();
    await Promise.all(floods);
    await waitFor('drops to be counted', () => api.totalDrops() > 20, 5000, 5);
    expect(api.events).toEqual([]);
    // Still delivering afterwards.
    await sendAndClose(intake.path, `${MASTER}\n`);
    await waitFor('api.events.length === 1', () => api.events.length === 1, 5000, 5);
  });

  it('logs a flood of dropped lines at a limited rate, with a summary', async () => {
    await sendAndClose(intake.path, 'bad line\n'.repeat(5000));
    await waitFor('api.totalDrops() === 5000', () => api.totalDrops() === 5000, 5000, 5);
    await intake.close();
    const dropLines = logger.lines.filter((l) => l.msg === 'intake line dropped');
    expect(dropLines.length).toBeLessThanOrEqual(10);
    expect(logger.lines.some((l) => l.suppressed === 5000 - dropLines.length)).toBe(true);
  });
});

describe('intake socket: JSON requests', () => {
  beforeEach(() => startBoth());

  it('runs every command and replies', async () => {
    expect(await ask(intake.path, { v: 1, id: 1, cmd: 'reconcile' })).toEqual({ version: 1, id: 1, ok: true, result: { reconcileId: 'r1', ok: true } });
    expect(await ask(intake.path, { v: 1, id: 2, cmd: 'drain' })).toMatchObject({ ok: true, result: { flags: { drain: true, freeze: false } } });
    expect(await ask(intake.path, { v: 1, id: 3, cmd: 'freeze' })).toMatchObject({ ok: true, result: { flags: { drain: true, freeze: true } } });
    expect(await ask(intake.path, { v: 1, id: 4, cmd: 'undrain' })).toMatchObject({ ok: true, result: { flags: { drain: false } } });
    expect(await ask(intake.path, { v: 1, id: 5, cmd: 'thaw' })).toMatchObject({ ok: true, result: { flags: { freeze: false } } });
    expect(await ask(intake.path, { v: 1, id: 6, cmd: 'status' })).toMatchObject({ ok: true, result: { version: 1 } });
    expect(await ask(intake.path, { v: 1, id: 7, cmd: 'release' })).toMatchObject({ ok: true, result: { released: false, report: { version: 1 } } });
    expect(api.calls).toEqual(['reconcile', 'drain:true', 'status', 'freeze:true', 'status', 'drain:false', 'status', 'freeze:false', 'status', 'status', 'release', 'status']);
  });

  it('answers a JSON request sent through nc -N, after nc closed its side', async () => {
    const result = await execa('nc', ['-N', '-U', intake.path], { input: '{"v":1,"id":"cli","cmd":"reconcile"}\n', timeout: 5000 });
    expect(JSON.parse(result.stdout)).toMatchObject({ id: 'cli', ok: true });
  });

  it('counts bad requests, answers them, and answers an oversized JSON line', async () => {
    expect(await ask(intake.path, '{"v":1,"cmd":"reboot"}')).toMatchObject({ ok: false, error: { code: 'UNKNOWN_COMMAND' } });
    expect(await ask(intake.path, '{not json')).toMatchObject({ ok: false, error: { code: 'PROTOCOL' } });
    expect(await ask(intake.path, `{"v":1,"cmd":"status","x":"${'x'.repeat(2000)}"}`)).toMatchObject({ ok: false, error: { code: 'PROTOCOL' } });
    expect(api.drops).toEqual({ 'bad-request': 2, oversized: 1 });
  });

  it('mixes devd lines and requests on one connection, in order', async () => {
    let release!: () => void;
    api.reconcileGate = new Promise((r) => (release = r));
    const client = await connect(intake.path);
    client.socket.write(`${MASTER}\n{"v":1,"id":1,"cmd":"reconcile"}\n!system=CARP subsystem=2@vmx0 type=MASTER\n`);
    await waitFor('api.events.length === 1', () => api.events.length === 1, 5000, 5);
    await new Promise((r) => setTimeout(r, 50));
    expect(api.events).toHaveLength(1); // the second line waits for the reconcile before it
    release();
    expect(JSON.parse(await client.line(0))).toMatchObject({ id: 1, ok: true });
    await waitFor('api.events.length === 2', () => api.events.length === 2, 5000, 5);
    client.socket.destroy();
  });
});

describe('intake socket: many clients', () => {
  it.each([
    [50, 200],
    [256, 200],
  ])('with max_clients=%i and %i concurrent clients: the extra get one error line, status keeps answering', async (maxClients, n) => {
    await startBoth(maxClients, 5000);
    const clients = await Promise.all(Array.from({ length: n }, () => connect(intake.path)));
    const accepted = Math.min(n, maxClients);
    await waitFor(`${accepted} clients`, () => intake.clientCount() === accepted, 5000, 5);
    await waitFor('refusals', () => clients.filter((c) => c.lines.length > 0).length === n - accepted, 5000, 5);
    for (const c of clients.filter((c) => c.lines.length > 0)) {
      expect(JSON.parse(c.lines[0]!)).toMatchObject({ ok: false, error: { code: 'TOO_MANY_CLIENTS' } });
    }
    expect(await statusCounters()).toBeDefined();
    // Every accepted client can still deliver its event.
    const open = clients.filter((c) => c.lines.length === 0);
    expect(open).toHaveLength(accepted);
    for (const c of open) c.socket.end(`${MASTER}\n`);
    await waitFor('events', () => api.events.length === accepted, 5000, 5);
    await Promise.all(clients.map((c) => c.closed));
  });

  it('frees the slots of clients that connect and never write (idle timeout)', async () => {
    await startBoth(10, 200);
    const idle = await Promise.all(Array.from({ length: 10 }, () => connect(intake.path)));
    await waitFor('intake.clientCount() === 10', () => intake.clientCount() === 10, 5000, 5);
    const refused = await connect(intake.path);
    expect(JSON.parse(await refused.line(0))).toMatchObject({ error: { code: 'TOO_MANY_CLIENTS' } });
    await Promise.all(idle.map((c) => c.closed));
    await waitFor('intake.clientCount() === 0', () => intake.clientCount() === 0, 5000, 5);
    await sendAndClose(intake.path, `${MASTER}\n`);
    await waitFor('api.events.length === 1', () => api.events.length === 1, 5000, 5);
    expect(await statusCounters()).toMatchObject({ events_received: 1 });
  });
});
