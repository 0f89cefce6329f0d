// The tcp probe against real sockets on loopback: a listener, a closed port, a listener that
// never completes the handshake (its backlog full), and an abort.
import { createServer, Socket, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { tcpProbe } from '../../src/election/probe-tcp.js';

const servers: Server[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

async function listen(backlog?: number): Promise<number> {
  const server = createServer((socket) => socket.destroy());
  servers.push(server);
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0, backlog }, resolve));
  return (server.address() as { port: number }).port;
}

describe('tcp probe', () => {
  it('succeeds when the handshake completes', async () => {
    const port = await listen();
    expect(await tcpProbe({ host: '127.0.0.1', port, timeoutMs: 2000 })(new AbortController().signal)).toEqual({ ok: true, detail: `connected to 127.0.0.1:${port}` });
  });

  it('fails on a closed port with the errno, a path answer (not a broken probe)', async () => {
    const port = await listen();
    await new Promise((resolve) => servers.pop()!.close(resolve));
    const result = await tcpProbe({ host: '127.0.0.1', port, timeoutMs: 2000 })(new AbortController().signal);
    expect(result).toEqual({ ok: false, detail: `ECONNREFUSED connecting to 127.0.0.1:${port}` });
  });

  it('fails when the answer is aborted, and never throws', async () => {
    const controller = new AbortController();
    const port = await listen();
    const probing = tcpProbe({ host: '127.0.0.1', port, timeoutMs: 2000 })(controller.signal);
    controller.abort();
    expect(await probing).toMatchObject({ ok: false });
    const aborted = new AbortController();
    aborted.abort();
    expect(await tcpProbe({ host: '127.0.0.1', port, timeoutMs: 2000 })(aborted.signal)).toEqual({ ok: false, detail: `aborted connecting to 127.0.0.1:${port}` });
  });

  it('times out on its own when nothing answers in time', async () => {
    // 192.0.2.0/24 (TEST-NET-1) is never routed: either no answer (timeout) or no route at all.
    const started = Date.now();
    const result = await tcpProbe({ host: '192.0.2.77', port: 9, timeoutMs: 300 })(new AbortController().signal);
    expect(result.ok).toBe(false);
    expect(result.detail).toMatch(/no answer from 192\.0\.2\.77:9 within 300 ms|ENETUNREACH|EHOSTUNREACH/);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('refuses a host that is not an IP literal (no DNS on this path)', () => {
    expect(() => tcpProbe({ host: 'upstream.example', port: 80, timeoutMs: 100 })).toThrow(expect.objectContaining({ code: 'INVALID_NAME' }));
  });
});
