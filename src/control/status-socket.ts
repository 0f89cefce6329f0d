// The status socket (default 0660, group configurable): read-only commands for operators and
// monitoring. Every request line gets exactly one reply line; bad input gets an error reply.
import type { Logger } from 'pino';
import { resolveGroup } from './group.js';
import type { LineDrop } from './line-reader.js';
import { answerRequest, errorReply } from './requests.js';
import type { ServiceApi } from './service-api.js';
import { startSocketServer, type SocketServer } from './socket-server.js';

export interface StatusSocketOptions {
  path: string;
  mode: number;
  /** Group name or gid that may read status; null keeps root's group. */
  group: string | number | null;
  maxClients: number;
  idleTimeoutMs: number;
  api: ServiceApi;
  log: Logger;
  /** Unread reply bytes after which a client is dropped (default 1 MiB). */
  maxUnreadBytes?: number;
}

/** Starts the status socket; rejects with SOCKET_IN_USE when another instance answers there. */
export async function startStatusSocket(options: StatusSocketOptions): Promise<SocketServer> {
  const { api } = options;
  return startSocketServer({
    name: 'status',
    path: options.path,
    mode: options.mode,
    gid: await resolveGroup(options.group),
    maxClients: options.maxClients,
    idleTimeoutMs: options.idleTimeoutMs,
    maxUnreadBytes: options.maxUnreadBytes,
    log: options.log,
    busyLine: errorReply(null, 'TOO_MANY_CLIENTS', `more than ${options.maxClients} clients on the status socket; try again`),
    handler: {
      async onLine(line, client) {
        if (line.trim() === '') return;
        client.send((await answerRequest(line, api, 'read')).line);
      },
      onDrop(drop: LineDrop, client) {
        client.send(errorReply(null, 'PROTOCOL', drop.detail, { reason: drop.reason }));
      },
    },
  });
}
