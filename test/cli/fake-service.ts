// A tiny stand-in for the running service: the two Unix sockets speaking protocol v1 (one JSON
// line in, one JSON line out), in a temp dir, with a config file that points at them.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type Answer =
  | { reply: unknown } // sent as one JSON line
  | { raw: string; thenClose?: boolean } // sent as is, then optionally hang up
  | { hang: true } // never answers
  | { close: true }; // hangs up without answering

export interface SeenRequest {
  socket: 'status' | 'intake';
  request: Record<string, unknown>;
}

export interface FakeService {
  dir: string;
  statusPath: string;
  intakePath: string;
  configPath: string;
  seen: SeenRequest[];
  close(): Promise<void>;
}

/** Starts both sockets; `answer` decides what each request gets. */
export async function startFakeService(answer: (seen: SeenRequest) => Answer): Promise<FakeService> {
  const dir = mkdtempSync(join(tmpdir(), 'cf-cli-svc-'));
  const statusPath = join(dir, 'status.sock');
  const intakePath = join(dir, 'intake.sock');
  const configPath = join(dir, 'carp-failover.yaml');
  writeFileSync(
    configPath,
    `node: router-002\ncarp:\n  vhids: [{vhid: 1, interface: vmx0}]\nreconcile: {timeout_ms: 1000}\nsockets:\n  intake: {path: ${intakePath}}\n  status: {path: ${statusPath}}\n`,
  );
  const seen: SeenRequest[] = [];
  const sockets = new Set<Socket>();
  const serve = (name: 'status' | 'intake'): Server =>
    createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
      let buffered = '';
      socket.on('data', (chunk) => {
        buffered += chunk.toString('utf8');
        const newline = buffered.indexOf('\n');
        if (newline === -1) return;
        const request = JSON.parse(buffered.slice(0, newline)) as Record<string, unknown>;
        buffered = buffered.slice(newline + 1);
        const entry = { socket: name, request };
        seen.push(entry);
        const what = answer(entry);
        if ('reply' in what) socket.write(`${JSON.stringify(what.reply)}\n`);
        else if ('raw' in what) {
          socket.write(what.raw);
          if (what.thenClose === true) socket.end();
        }
        else if ('close' in what) socket.end();
      });
    });
  const servers = [serve('status'), serve('intake')];
  await Promise.all([
    new Promise<void>((resolve) => servers[0]!.listen(statusPath, resolve)),
    new Promise<void>((resolve) => servers[1]!.listen(intakePath, resolve)),
  ]);
  return {
    dir,
    statusPath,
    intakePath,
    configPath,
    seen,
    async close() {
      for (const socket of sockets) socket.destroy();
      await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A protocol v1 success reply to the request. */
export function ok(seen: SeenRequest, result: unknown): Answer {
  return { reply: { version: 1, id: seen.request.id ?? null, ok: true, result } };
}
