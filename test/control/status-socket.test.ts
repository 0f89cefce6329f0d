import { lstat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SocketServer } from '../../src/control/socket-server.js';
import { startStatusSocket } from '../../src/control/status-socket.js';
import { CarpFailoverError } from '../../src/errors.js';
import { FakeServiceApi } from '../fakes/service-api.js';
import { captureLogger } from '../fakes/logger.js';
import { ask, connect, tempSocketDir } from '../support/unix-client.js';

let dir: string;
let cleanup: () => Promise<void>;
let api: FakeServiceApi;
let server: SocketServer;

beforeEach(async () => {
  ({ dir, cleanup } = await tempSocketDir());
  api = new FakeServiceApi();
  server = await startStatusSocket({
    path: join(dir, 'status.sock'),
    mode: 0o660,
    group: null,
    maxClients: 4,
    idleTimeoutMs: 2000,
    api,
    log: captureLogger('silent').log,
  });
});
afterEach(async () => {
  await server.close();
  await cleanup();
});

describe('status socket', () => {
  it('answers status with the api report, echoing id and version', async () => {
    const reply = await ask(server.path, { v: 1, id: 7, cmd: 'status' });
    expect(reply).toMatchObject({ version: 1, id: 7, ok: true, result: { version: 1, node: 'router-001' } });
    expect(api.calls).toEqual(['status']);
  });

  it('answers ping and history (default and given limit)', async () => {
    expect(await ask(server.path, { v: 1, id: 'p', cmd: 'ping' })).toEqual({ version: 1, id: 'p', ok: true, result: { pong: true } });
    expect(await ask(server.path, { v: 1, cmd: 'history' })).toMatchObject({ ok: true, id: null, result: [] });
    expect(await ask(server.path, { v: 1, cmd: 'history', args: { limit: 3 } })).toMatchObject({ ok: true });
    expect(api.calls).toEqual(['history:20', 'history:3']);
  });

  it('refuses write commands with READ_ONLY_SOCKET, and never runs them', async () => {
    for (const cmd of ['reconcile', 'drain', 'undrain', 'freeze', 'thaw', 'release']) {
      const reply = await ask(server.path, { v: 1, id: cmd, cmd });
      expect(reply).toMatchObject({ version: 1, id: cmd, ok: false, error: { code: 'READ_ONLY_SOCKET' } });
    }
    expect(api.calls).toEqual([]);
    expect(api.flags).toEqual({ drain: false, freeze: false });
  });

  it.each([
    ['not json', 'PROTOCOL', 'not valid JSON'],
    ['[1,2]', 'PROTOCOL', 'JSON object'],
    ['{"v":2,"cmd":"status"}', 'PROTOCOL', 'protocol version'],
    ['{"v":1}', 'PROTOCOL', 'cmd must be a string'],
    ['{"v":1,"cmd":"status","id":{}}', 'PROTOCOL', 'id must be'],
    ['{"v":1,"cmd":"status","args":[]}', 'PROTOCOL', 'args must be an object'],
    ['{"v":1,"cmd":"history","args":{"limit":0}}', 'PROTOCOL', 'args.limit'],
    ['{"v":1,"cmd":"history","args":{"limit":"5"}}', 'PROTOCOL', 'args.limit'],
    ['{"v":1,"cmd":"shutdown"}', 'UNKNOWN_COMMAND', 'unknown command'],
    ['{"v":1,"cmd":"__proto__"}', 'UNKNOWN_COMMAND', 'unknown command'],
  ])('answers %s with %s', async (line, code, message) => {
    const reply = await ask(server.path, line);
    expect(reply).toMatchObject({ version: 1, ok: false, error: { code } });
    expect((reply.error as { message: string }).message).toContain(message);
  });

  it('answers an oversized or non-UTF-8 line with PROTOCOL and keeps the connection', async () => {
    const client = await connect(server.path);
    client.socket.write(`{"v":1,"cmd":"status","pad":"${'x'.repeat(4000)}"}\n`);
    client.socket.write(Buffer.from([0x7b, 0xff, 0x7d, 0x0a]));
    client.socket.write('{"v":1,"id":3,"cmd":"ping"}\r\n');
    await client.line(2);
    expect(client.lines.map((l) => JSON.parse(l) as { ok: boolean; error?: { code: string; details: unknown } })).toEqual([
      expect.objectContaining({ ok: false, error: expect.objectContaining({ code: 'PROTOCOL', details: { reason: 'oversized' } }) }),
      expect.objectContaining({ ok: false, error: expect.objectContaining({ code: 'PROTOCOL', details: { reason: 'not-utf8' } }) }),
      expect.objectContaining({ ok: true, id: 3 }),
    ]);
    client.socket.destroy();
  });

  it('turns an api failure into an error reply with its code, and keeps serving', async () => {
    api.status = () => {
      throw new CarpFailoverError('NOT_RUNNING', 'engine stopped', { details: { why: 'test' } });
    };
    api.history = () => Promise.reject(new Error('disk gone'));
    expect(await ask(server.path, { v: 1, cmd: 'status' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_RUNNING', message: 'engine stopped', details: { why: 'test' } },
    });
    expect(await ask(server.path, { v: 1, cmd: 'history' })).toMatchObject({ ok: false, error: { code: 'INTERNAL', message: 'disk gone' } });
    expect(await ask(server.path, { v: 1, cmd: 'ping' })).toMatchObject({ ok: true });
  });

  it('answers many pipelined requests in order on one connection', async () => {
    const client = await connect(server.path);
    const n = 200;
    client.socket.write(Array.from({ length: n }, (_, i) => JSON.stringify({ v: 1, id: i, cmd: i % 2 ? 'ping' : 'status' })).join('\n') + '\n');
    await client.line(n - 1);
    expect(client.lines.map((l) => (JSON.parse(l) as { id: number }).id)).toEqual(Array.from({ length: n }, (_, i) => i));
    client.socket.destroy();
  });

  it('gives the socket file the configured mode and the named group (resolved through /etc/group)', async () => {
    const entry = (await readFile('/etc/group', 'utf8')).split('\n').map((l) => l.split(':')).find((f) => (process.getuid!() === 0 ? f[2] !== undefined && f[2] !== '0' : f[2] === String(process.getgid!()))); // root may chown to any group
    if (!entry) throw new Error('no non-root group in /etc/group');
    const other = await startStatusSocket({ path: join(dir, 'grouped.sock'), mode: 0o640, group: entry[0]!, maxClients: 1, idleTimeoutMs: 1000, api, log: captureLogger('silent').log });
    const info = await lstat(other.path);
    expect(info.mode & 0o777).toBe(0o640);
    expect(info.gid).toBe(Number(entry[2]));
    await other.close();
  });

  it('ignores blank lines', async () => {
    const client = await connect(server.path);
    client.socket.write('\n\r\n   \n{"v":1,"id":1,"cmd":"ping"}\n');
    expect(JSON.parse(await client.line(0))).toMatchObject({ id: 1, ok: true });
    client.socket.destroy();
  });
});
