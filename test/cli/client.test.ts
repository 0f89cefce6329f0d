import { chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { callService, ClientError, exitStatusOf, MAX_REPLY_BYTES, RemoteError, request, targetFor } from '../../src/cli/client.js';
import { EXIT } from '../../src/exit-codes.js';
import { ok, startFakeService, type Answer, type FakeService, type SeenRequest } from './fake-service.js';

let service: FakeService | null = null;
const scratch = mkdtempSync(join(tmpdir(), 'cf-cli-client-'));
afterEach(async () => {
  await service?.close();
  service = null;
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function withService(answer: (seen: SeenRequest) => Answer): Promise<FakeService> {
  service = await startFakeService(answer);
  return service;
}

async function failure(promise: Promise<unknown>): Promise<ClientError | RemoteError> {
  const error = await promise.then(
    () => new Error('expected a failure'),
    (e: unknown) => e,
  );
  expect(error instanceof ClientError || error instanceof RemoteError).toBe(true);
  return error as ClientError | RemoteError;
}

describe('request', () => {
  it('sends one v1 request line and resolves with the result', async () => {
    const svc = await withService((seen) => ok(seen, { hello: 'world' }));
    await expect(request(svc.statusPath, 'status')).resolves.toEqual({ hello: 'world' });
    expect(svc.seen).toHaveLength(1);
    expect(svc.seen[0]!.request).toMatchObject({ v: 1, cmd: 'status' });
    expect(typeof svc.seen[0]!.request.id).toBe('string');
  });

  it('passes args', async () => {
    const svc = await withService((seen) => ok(seen, []));
    await request(svc.statusPath, 'history', { limit: 3 });
    expect(svc.seen[0]!.request.args).toEqual({ limit: 3 });
  });

  it('assembles a reply that arrives in pieces', async () => {
    const reply = JSON.stringify({ version: 1, id: null, ok: true, result: { big: 'x'.repeat(200_000) } });
    const svc = await withService(() => ({ raw: `${reply}\n` }));
    const result = (await request(svc.statusPath, 'status')) as { big: string };
    expect(result.big).toHaveLength(200_000);
  });

  it('turns an ok:false reply into a RemoteError with the service code', async () => {
    const svc = await withService((seen) => ({ reply: { version: 1, id: seen.request.id, ok: false, error: { code: 'NOT_MASTER', message: 'no longer MASTER', details: { vhid: 1 } } } }));
    const error = await failure(request(svc.statusPath, 'status'));
    expect(error).toBeInstanceOf(RemoteError);
    expect(error.code).toBe('NOT_MASTER');
    expect(error.message).toBe('no longer MASTER');
    expect(error.details).toMatchObject({ vhid: 1, remoteCode: 'NOT_MASTER' });
    expect(exitStatusOf(error)).toBe(EXIT.FAILURE);
  });

  it('maps STATE_UNREADABLE (a flag file it cannot write) to EX_IOERR', async () => {
    const svc = await withService((seen) => ({ reply: { version: 1, id: seen.request.id, ok: false, error: { code: 'STATE_UNREADABLE', message: 'cannot write the drain flag file' } } }));
    expect(exitStatusOf(await failure(request(svc.statusPath, 'status')))).toBe(EXIT.IOERR);
  });

  it('maps UNKNOWN_COMMAND from an older service to EX_SOFTWARE', async () => {
    const svc = await withService((seen) => ({ reply: { version: 1, id: seen.request.id, ok: false, error: { code: 'UNKNOWN_COMMAND', message: 'unknown command' } } }));
    expect(exitStatusOf(await failure(request(svc.statusPath, 'status')))).toBe(EXIT.SOFTWARE);
  });

  it.each([
    ['not JSON', 'this is not json\n', /not JSON/],
    ['JSON without ok', '{"version":1}\n', /no "ok" field/],
    ['a JSON scalar', '42\n', /no "ok" field/],
    ['another protocol version', '{"version":2,"id":null,"ok":true,"result":{}}\n', /protocol version 2, this CLI speaks 1/],
  ])('refuses a reply that is %s', async (_, raw, message) => {
    const svc = await withService(() => ({ raw }));
    const error = await failure(request(svc.statusPath, 'status'));
    expect(error.code).toBe('PROTOCOL');
    expect(error.message).toMatch(message);
    expect(error.message).toContain(svc.statusPath);
    expect(exitStatusOf(error)).toBe(EXIT.SOFTWARE);
  });

  it('reports a service that hangs up without answering', async () => {
    const svc = await withService(() => ({ close: true }));
    const error = await failure(request(svc.statusPath, 'status'));
    expect(error.code).toBe('PROTOCOL');
    expect(error.message).toMatch(/closed the connection/);
  });

  it('reports a half line followed by a hang-up', async () => {
    const svc = await withService(() => ({ raw: '{"version":1,"ok":tr', thenClose: true }));
    const error = await failure(request(svc.statusPath, 'status'));
    expect(error.code).toBe('PROTOCOL');
    expect(error.message).toMatch(/without a complete answer/);
  });

  it('times out on a half line that is never finished', async () => {
    const svc = await withService(() => ({ raw: '{"version":1,"ok":tr' }));
    const error = await failure(request(svc.statusPath, 'status', undefined, { timeoutMs: 200 }));
    expect(error.code).toBe('TIMEOUT');
  });

  it('times out on a service that never answers', async () => {
    const svc = await withService(() => ({ hang: true }));
    const started = Date.now();
    const error = await failure(request(svc.statusPath, 'status', undefined, { timeoutMs: 150 }));
    expect(error.code).toBe('TIMEOUT');
    expect(error.message).toBe(`no answer from carp-failover on ${svc.statusPath} within 150 ms`);
    expect(exitStatusOf(error)).toBe(EXIT.TEMPFAIL);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('stops reading a reply longer than the limit', async () => {
    const path = join(scratch, 'flood.sock');
    const chunk = Buffer.alloc(1024 * 1024, 'a');
    const server = createServer((socket) => {
      socket.on('error', () => undefined);
      const pump = () => {
        while (!socket.destroyed && socket.write(chunk));
        if (!socket.destroyed) socket.once('drain', pump);
      };
      pump();
    });
    await new Promise<void>((resolve) => server.listen(path, resolve));
    try {
      const error = await failure(request(path, 'status', undefined, { timeoutMs: 10_000 }));
      expect(error.code).toBe('PROTOCOL');
      expect(error.message).toContain(`longer than ${MAX_REPLY_BYTES} bytes`);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('says the service is not running when the socket is missing (exit 69)', async () => {
    const path = join(scratch, 'missing.sock');
    const error = await failure(request(path, 'status'));
    expect(error.code).toBe('NOT_RUNNING');
    expect(error.message).toBe(`carp-failover is not running (no answer on ${path})`);
    expect(exitStatusOf(error)).toBe(EXIT.UNAVAILABLE);
  });

  it('says the service is not running when a stale file is in the way (exit 69)', async () => {
    const path = join(scratch, 'stale.sock');
    writeFileSync(path, '');
    const error = await failure(request(path, 'status'));
    expect(error.code).toBe('NOT_RUNNING');
    expect(exitStatusOf(error)).toBe(EXIT.UNAVAILABLE);
  });
});

describe('callService and targetFor', () => {
  it('sends read commands to the status socket and write commands to the intake socket', async () => {
    const svc = await withService((seen) => ok(seen, seen.socket));
    const target = await targetFor(svc.configPath);
    expect(target.config?.node).toBe('router-002');
    await expect(callService(target, 'status')).resolves.toBe('status');
    await expect(callService(target, 'history', { limit: 1 })).resolves.toBe('status');
    await expect(callService(target, 'reconcile')).resolves.toBe('intake');
    await expect(callService(target, 'drain')).resolves.toBe('intake');
    expect(svc.seen.map((s) => `${s.socket}:${s.request.cmd as string}`)).toEqual(['status:status', 'status:history', 'intake:reconcile', 'intake:drain']);
  });

  it('falls back to the schema defaults when the config cannot be read or is invalid', async () => {
    const invalid = join(scratch, 'invalid.yaml');
    writeFileSync(invalid, 'nod: x\n');
    for (const path of [join(scratch, 'nope.yaml'), invalid]) {
      const target = await targetFor(path);
      expect(target).toEqual({ statusPath: '/var/run/carp-failover/status.sock', intakePath: '/var/run/carp-failover/intake.sock', config: null });
    }
  });

  it('takes the sockets section of a config that is invalid elsewhere (the service keeps its last valid one)', async () => {
    const path = join(scratch, 'half-edited.yaml');
    writeFileSync(path, `nod: x\nsockets:\n  status: { path: ${join(scratch, 's.sock')} }\n  intake: { path: ${join(scratch, 'i.sock')} }\n`);
    expect(await targetFor(path)).toEqual({ statusPath: join(scratch, 's.sock'), intakePath: join(scratch, 'i.sock'), config: null });
  });
});

// Issue 14 items 4 and 7: the CLI never talks to a socket a stranger owns, and root's reads get an
// answer even when every status slot is taken.
describe('socket trust and root\'s reserved way in', () => {
  it.skipIf(process.geteuid?.() !== 0)('refuses a socket owned by another user before sending anything (exit 77)', async () => {
    const path = join(scratch, 'impostor.sock');
    let connections = 0;
    const impostor = createServer((socket) => {
      connections++;
      socket.end('{"version":1,"id":null,"ok":true,"result":"ok"}\n');
    });
    await new Promise<void>((resolve) => impostor.listen(path, resolve));
    try {
      chownSync(path, 65534, 65534);
      const error = await failure(request(path, 'reconcile'));
      expect(error.code).toBe('PATH_UNSAFE');
      expect(error.message).toBe(`${path} is owned by uid 65534, not root: not talking to it (is another program impersonating carp-failover?)`);
      expect(exitStatusOf(error)).toBe(EXIT.NOPERM);
      expect(connections).toBe(0);
    } finally {
      await new Promise<void>((resolve) => impostor.close(() => resolve()));
    }
  });

  it.skipIf(process.geteuid?.() !== 0)('root reads on the intake socket when the status socket turns it away as busy', async () => {
    const statusPath = join(scratch, 'busy-status.sock');
    const intakePath = join(scratch, 'root-intake.sock');
    const busy = createServer((socket) => socket.end('{"version":1,"id":null,"ok":false,"error":{"code":"TOO_MANY_CLIENTS","message":"more than 32 clients"}}\n'));
    const intake = createServer((socket) => socket.on('data', () => socket.end('{"version":1,"id":"x","ok":true,"result":{"role":"MASTER"}}\n')));
    await Promise.all([new Promise<void>((r) => busy.listen(statusPath, r)), new Promise<void>((r) => intake.listen(intakePath, r))]);
    try {
      expect(await callService({ statusPath, intakePath, config: null }, 'status')).toEqual({ role: 'MASTER' });
    } finally {
      busy.close();
      intake.close();
    }
  });
});
