// Small clients for tests over real Unix sockets: connect, write raw bytes, read reply lines.
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A connected client that collects every line it receives. */
export interface LineClient {
  socket: Socket;
  lines: string[];
  /** Resolves with the n-th line (0-based) once it has arrived. */
  line(n: number, timeoutMs?: number): Promise<string>;
  /** Resolves when the server closes the connection. */
  closed: Promise<void>;
}

export function connect(path: string): Promise<LineClient> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ path });
    const lines: string[] = [];
    const waiters: Array<() => void> = [];
    let partial = '';
    socket.setEncoding('utf8');
    socket.on('data', (text: string) => {
      partial += text;
      let nl: number;
      while ((nl = partial.indexOf('\n')) >= 0) {
        lines.push(partial.slice(0, nl));
        partial = partial.slice(nl + 1);
      }
      for (const w of waiters.splice(0)) w();
    });
    let isClosed = false;
    const closed = new Promise<void>((done) =>
      socket.once('close', () => {
        isClosed = true;
        for (const w of waiters.splice(0)) w();
        done();
      }),
    );
    socket.on('error', () => undefined);
    socket.once('connect', () =>
      resolve({
        socket,
        lines,
        closed,
        line(n, timeoutMs = 5000) {
          return new Promise((ok, fail) => {
            const timer = setTimeout(() => fail(new Error(`no line ${n} within ${timeoutMs} ms (got ${lines.length})`)), timeoutMs);
            const check = (): void => {
              if (lines.length > n) {
                clearTimeout(timer);
                ok(lines[n]!);
              } else if (isClosed) {
                clearTimeout(timer);
                fail(new Error(`connection closed after ${lines.length} lines, wanted line ${n}`));
              } else waiters.push(check);
            };
            check();
          });
        },
      }),
    );
    socket.once('error', reject);
  });
}

/** One request, one reply, then close: how the CLI talks to the sockets. */
export async function ask(path: string, request: unknown): Promise<Record<string, unknown>> {
  const client = await connect(path);
  client.socket.write(`${typeof request === 'string' ? request : JSON.stringify(request)}\n`);
  const line = await client.line(0);
  client.socket.end();
  return JSON.parse(line) as Record<string, unknown>;
}

/** Writes everything, half-closes, and waits for the server to close too. */
export async function sendAndClose(path: string, data: string | Buffer): Promise<void> {
  const client = await connect(path);
  client.socket.end(data);
  await client.closed;
}

/** A fresh temp directory for sockets, removed by the returned cleanup. */
export async function tempSocketDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'cf-sock-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

