import { spawn } from 'node:child_process';
import { lstat, mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSocketServer, type LineHandler, type SocketServer, type SocketServerOptions } from '../../src/control/socket-server.js';
import { captureLogger } from '../fakes/logger.js';
import { connect, tempSocketDir } from '../support/unix-client.js';
import { waitFor } from '../support/wait.js';

let dir: string;
let cleanup: () => Promise<void>;
const servers: SocketServer[] = [];

beforeEach(async () => {
  ({ dir, cleanup } = await tempSocketDir());
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await cleanup();
});

const echo: LineHandler = {
  onLine: (line, client) => void client.send(`echo:${line}`),
  onDrop: (drop, client) => void client.send(`drop:${drop.reason}`),
};

async function start(overrides: Partial<SocketServerOptions> = {}): Promise<SocketServer> {
  const server = await startSocketServer({
    name: 'test',
    path: join(dir, 'run', 'test.sock'),
    mode: 0o600,
    gid: null,
    maxClients: 8,
    idleTimeoutMs: 5000,
    log: captureLogger('silent').log,
    handler: echo,
    busyLine: 'busy',
    ...overrides,
  });
  servers.push(server);
  return server;
}

describe('socket placement', () => {
  it('creates the parent directory 0755 and gives the socket its mode before anyone can connect', async () => {
    const server = await start({ mode: 0o660 });
    expect((await stat(join(dir, 'run'))).mode & 0o7777).toBe(0o755);
    const info = await lstat(server.path);
    expect(info.isSocket()).toBe(true);
    expect(info.mode & 0o7777).toBe(0o660);
    // Only the socket is left in the directory: the private bind directory is gone.
    expect(await readdir(join(dir, 'run'))).toEqual(['test.sock']);
    const client = await connect(server.path);
    client.socket.write('hi\n');
    expect(await client.line(0)).toBe('echo:hi');
    client.socket.destroy();
  });

  it('sets the group when asked', async () => {
    const gid = process.getgid!() === 0 ? 1 : process.getgid!(); // root may chown to any group
    const server = await start({ gid, mode: 0o660 });
    expect((await stat(server.path)).gid).toBe(gid);
  });

  it('refuses to start while another instance answers on the path', async () => {
    const first = await start();
    await expect(start()).rejects.toMatchObject({ code: 'SOCKET_IN_USE' });
    // The first one is untouched and still answers.
    const client = await connect(first.path);
    client.socket.write('still\n');
    expect(await client.line(0)).toBe('echo:still');
    client.socket.destroy();
  });

  it('replaces a stale socket file left by a process killed with SIGKILL', async () => {
    const path = join(dir, 'run', 'test.sock');
    await mkdir(join(dir, 'run'));
    const child = spawn(process.execPath, ['-e', "require('net').createServer().listen(process.argv[1], () => console.log('up'))", path]);
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    expect((await lstat(path)).isSocket()).toBe(true);
    const server = await start({ path });
    const client = await connect(server.path);
    client.socket.write('fresh\n');
    expect(await client.line(0)).toBe('echo:fresh');
    client.socket.destroy();
  });

  it('never removes a path that is not a socket', async () => {
    const path = join(dir, 'plain-file');
    await writeFile(path, 'keep me');
    await expect(start({ path })).rejects.toMatchObject({ code: 'SOCKET_IN_USE' });
    expect((await lstat(path)).isFile()).toBe(true);
  });

  it('removes its socket file on close, and only its own', async () => {
    const server = await start();
    await server.close();
    await expect(lstat(server.path)).rejects.toMatchObject({ code: 'ENOENT' });
    await server.close(); // idempotent
  });
});

describe('client limits', () => {
  it('gives a client beyond maxClients one line and closes it; a freed slot is reused', async () => {
    const server = await start({ maxClients: 2 });
    const a = await connect(server.path);
    const b = await connect(server.path);
    await waitFor('server.clientCount() === 2', () => server.clientCount() === 2, 5000, 5);
    const c = await connect(server.path);
    expect(await c.line(0)).toBe('busy');
    await c.closed;
    expect(c.lines).toEqual(['busy']);
    a.socket.destroy();
    await waitFor('server.clientCount() === 1', () => server.clientCount() === 1, 5000, 5);
    const d = await connect(server.path);
    d.socket.write('in\n');
    expect(await d.line(0)).toBe('echo:in');
    b.socket.destroy();
    d.socket.destroy();
  });

  it('closes a client that connects and never writes after the idle timeout', async () => {
    const server = await start({ idleTimeoutMs: 150 });
    const started = Date.now();
    const idle = await connect(server.path);
    await idle.closed;
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    await waitFor('the slot to be freed', () => server.clientCount() === 0, 1000, 5);
  });

  it('closes a client that drips bytes but never finishes a line', async () => {
    const server = await start({ idleTimeoutMs: 200 });
    const slow = await connect(server.path);
    const drip = setInterval(() => slow.socket.write('x'), 20);
    await slow.closed;
    clearInterval(drip);
    await waitFor('the slot to be freed', () => server.clientCount() === 0, 1000, 5);
  });

  it('does not time out a client while its request is being handled', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const server = await start({
      idleTimeoutMs: 100,
      handler: { onLine: async (line, client) => void (await gate, client.send(`late:${line}`)), onDrop: () => undefined },
    });
    const client = await connect(server.path);
    client.socket.write('slow\n');
    await new Promise((r) => setTimeout(r, 350));
    release();
    expect(await client.line(0)).toBe('late:slow');
    client.socket.destroy();
  });

  it('drops a client that does not read its replies instead of buffering them', async () => {
    const big = 'y'.repeat(16 * 1024);
    const server = await start({ maxUnreadBytes: 64 * 1024, handler: { onLine: (_l, c) => void c.send(big), onDrop: () => undefined } });
    const client = await connect(server.path);
    client.socket.pause(); // never reads
    let sent = 0;
    while (!client.socket.destroyed && sent < 5000) {
      client.socket.write('again\n');
      sent++;
      if (sent % 50 === 0) await new Promise((r) => setTimeout(r, 1));
    }
    await waitFor('the slow reader to be dropped', () => server.clientCount() === 0, 5000, 5);
    client.socket.destroy();
  });

  it('handles a client line by line, in order, even when handlers are async', async () => {
    const server = await start({
      handler: {
        onLine: async (line, client) => {
          await new Promise((r) => setTimeout(r, Number(line) % 3));
          client.send(line);
        },
        onDrop: () => undefined,
      },
    });
    const client = await connect(server.path);
    const numbers = Array.from({ length: 300 }, (_, i) => String(i));
    client.socket.write(numbers.join('\n') + '\n');
    await client.line(299);
    expect(client.lines).toEqual(numbers);
    client.socket.destroy();
  });

  it('answers what a half-closed client sent before closing its side (nc -N)', async () => {
    const server = await start();
    const client = await connect(server.path);
    client.socket.end('a\nb\n');
    await client.closed;
    expect(client.lines).toEqual(['echo:a', 'echo:b']);
  });
});
