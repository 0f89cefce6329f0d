// The Unix socket server under both control sockets: placement and modes (socket-path.ts),
// newline framing with a hard cap (line-reader.ts), and the limits that keep a misbehaving
// client from hurting the service: a cap on concurrent clients, an idle timeout, and a bound on
// replies a client leaves unread. Lines of one client are handled one at a time, in order.
import { createServer, type Socket } from 'node:net';
import type { Logger } from 'pino';
import { LineReader, type LineDrop } from './line-reader.js';
import { LogLimiter } from './log-limiter.js';
import { MAX_LINE_BYTES } from './protocol.js';
import { listenAt, unlinkIfOurs } from './socket-path.js';

/** One connected client, as a handler sees it. */
export interface SocketClient {
  readonly id: number;
  /** Writes one line (the "\n" is added). A client with too much unread output is dropped: false. */
  send(line: string): boolean;
}

/** What a socket does with its lines; a returned promise holds the client's next line until it settles. */
export interface LineHandler {
  onLine(line: string, client: SocketClient): void | Promise<void>;
  onDrop(drop: LineDrop, client: SocketClient): void | Promise<void>;
}

export interface SocketServerOptions {
  /** "intake" or "status": names the socket in logs. */
  name: string;
  path: string;
  mode: number;
  /** gid for the socket file; null keeps ours. */
  gid: number | null;
  maxClients: number;
  /** A client that completes no line for this long (and awaits no reply) is closed. */
  idleTimeoutMs: number;
  log: Logger;
  handler: LineHandler;
  /** The one line a client beyond maxClients gets before it is closed. */
  busyLine: string;
  maxLineBytes?: number;
  /** Unread reply bytes after which a client is dropped (default 1 MiB). */
  maxUnreadBytes?: number;
}

export interface SocketServer {
  readonly path: string;
  /** Connected clients, not counting refused ones. */
  clientCount(): number;
  /** Stops accepting, closes every client, removes the socket file. */
  close(): Promise<void>;
}

/** Items waiting for a client's handler; bounded by pausing the socket at QUEUE_HIGH. */
type Item = { line: string } | { drop: LineDrop };
const QUEUE_HIGH = 64;

/** Starts a socket server; rejects with SOCKET_IN_USE when another process answers on the path. */
export async function startSocketServer(options: SocketServerOptions): Promise<SocketServer> {
  const log = options.log.child({ socket: options.name });
  const limited = new LogLimiter(log);
  const clients = new Set<Socket>();
  const refused = new Set<Socket>();
  const maxUnread = options.maxUnreadBytes ?? 1 << 20;
  let nextId = 1;

  const server = createServer({ allowHalfOpen: true }, (socket) => {
    socket.on('error', (error) => log.debug({ err: error.message }, 'client socket error'));
    if (clients.size >= options.maxClients) {
      limited.warn({ maxClients: options.maxClients }, 'too many clients: refused one');
      refused.add(socket);
      socket.once('close', () => refused.delete(socket));
      socket.end(`${options.busyLine}\n`, () => socket.destroy());
      setTimeout(() => socket.destroy(), 1000).unref();
      return;
    }
    clients.add(socket);
    socket.once('close', () => clients.delete(socket));
    serveClient(socket, nextId++);
  });
  server.on('error', (error) => log.error({ err: error.message }, 'socket server error'));

  function serveClient(socket: Socket, id: number): void {
    const queue: Item[] = [];
    let head = 0;
    let busy = false;
    let ended = false;
    const idle = setTimeout(() => {
      if (busy) return idle.refresh();
      log.debug({ client: id, idleTimeoutMs: options.idleTimeoutMs }, 'idle client closed');
      socket.destroy();
    }, options.idleTimeoutMs).unref();
    socket.once('close', () => clearTimeout(idle));
    const client: SocketClient = {
      id,
      send(line) {
        if (socket.destroyed) return false;
        if (socket.writableLength > maxUnread) {
          limited.warn({ client: id, unread: socket.writableLength }, 'client does not read its replies: dropped');
          socket.destroy();
          return false;
        }
        socket.write(`${line}\n`);
        idle.refresh();
        return true;
      },
    };

    const reader = new LineReader({
      maxBytes: options.maxLineBytes ?? MAX_LINE_BYTES,
      onLine: (line) => enqueue({ line }),
      onDrop: (drop) => enqueue({ drop }),
    });
    // Fairness: libuv reads up to 32 chunks from one socket per loop turn, so a flooding client
    // could hold the loop for long; pausing after each chunk lets the others (and the status
    // socket) in between. Reading also stays paused while QUEUE_HIGH items wait for the handler.
    let yielding = false;
    const resumeIfReady = (): void => {
      if (!yielding && queue.length - head < QUEUE_HIGH && !socket.destroyed) socket.resume();
    };
    socket.on('data', (chunk: Buffer) => {
      reader.push(chunk);
      yielding = true;
      socket.pause();
      setImmediate(() => {
        yielding = false;
        resumeIfReady();
      });
    });
    socket.on('end', () => {
      reader.end();
      ended = true;
      finishIfDone();
    });

    function enqueue(item: Item): void {
      idle.refresh();
      if (!busy) return run(item);
      queue.push(item);
      if (queue.length - head >= QUEUE_HIGH) socket.pause();
    }

    function run(item: Item): void {
      let result: void | Promise<void> = undefined;
      try {
        result = 'line' in item ? options.handler.onLine(item.line, client) : options.handler.onDrop(item.drop, client);
      } catch (error) {
        log.error({ client: id, err: (error as Error).message }, 'line handler failed');
      }
      if (!(result instanceof Promise)) return;
      busy = true;
      result
        .catch((error: unknown) => log.error({ client: id, err: (error as Error).message }, 'line handler failed'))
        .finally(() => {
          busy = false;
          drain();
        });
    }

    function drain(): void {
      while (!busy && head < queue.length) run(queue[head++]!);
      if (busy) return;
      queue.length = 0;
      head = 0;
      resumeIfReady();
      finishIfDone();
    }

    // With allowHalfOpen, `printf … | nc -N` may close its side first and still read the replies.
    function finishIfDone(): void {
      if (ended && !busy && head >= queue.length && !socket.destroyed) socket.end();
    }
  }

  let ino: number;
  try {
    ino = await listenAt(server, options.path, options.mode, options.gid);
  } catch (error) {
    server.close();
    throw error;
  }
  log.info({ path: options.path, mode: options.mode.toString(8), gid: options.gid }, 'socket listening');

  let closing: Promise<void> | null = null;
  return {
    path: options.path,
    clientCount: () => clients.size,
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const socket of [...clients, ...refused]) socket.destroy();
        await closed;
        limited.flush();
        await unlinkIfOurs(options.path, ino);
      })();
      return closing;
    },
  };
}
