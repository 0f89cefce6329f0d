// The intake socket (root only, 0600): devd's CARP notifications, many lines per connection, and
// every command as a JSON line (lines starting with "{"). devd lines get no reply (devd's action
// does not read); each one is either delivered to the engine as a hint or dropped, counted
// through the api, and logged at a limited rate so that a flood of garbage cannot flood the log.
import type { Logger } from 'pino';
import { devdEventDropReason, parseDevdLine } from './devd.js';
import type { FollowedVhid } from '../host/freebsd/ports.js';
import type { LineDrop } from '../control/line-reader.js';
import { LogLimiter } from '../control/log-limiter.js';
import { answerRequest, CLIENT_ERROR_CODES, errorReply } from '../control/requests.js';
import type { DropReason, ServiceApi } from '../control/service-api.js';
import { startSocketServer, type SocketClient, type SocketServer } from '../control/socket-server.js';

export interface IntakeSocketOptions {
  path: string;
  mode: number;
  maxClients: number;
  idleTimeoutMs: number;
  /** The vhids followed now: a function, since SIGHUP may change them. */
  followed: () => readonly FollowedVhid[];
  api: ServiceApi;
  log: Logger;
  maxUnreadBytes?: number;
}

const OPEN_BRACE = 0x7b;
/** How much of a dropped line goes into the log. */
const EXCERPT_CHARS = 80;

/** Starts the intake socket; rejects with SOCKET_IN_USE when another instance answers there. */
export async function startIntakeSocket(options: IntakeSocketOptions): Promise<SocketServer> {
  const { api } = options;
  const log = options.log.child({ socket: 'intake' });
  const dropLog = new LogLimiter(log);

  function drop(reason: DropReason, detail: string, line?: string): void {
    try {
      api.onDrop(reason);
    } catch (error) {
      log.error({ err: (error as Error).message }, 'onDrop failed');
    }
    dropLog.warn({ reason, detail, ...(line === undefined ? {} : { line: line.slice(0, EXCERPT_CHARS) }) }, 'intake line dropped');
  }

  async function request(line: string, client: SocketClient): Promise<void> {
    const answer = await answerRequest(line, api, 'all');
    // A request refused because of what the client sent is counted like any dropped line.
    if (answer.code !== null && CLIENT_ERROR_CODES.includes(answer.code)) drop('bad-request', answer.code, line);
    client.send(answer.line);
  }

  function devdLine(line: string): void {
    const parsed = parseDevdLine(line);
    if (!parsed.ok) return drop(parsed.reason, parsed.detail, line);
    const reason = devdEventDropReason(parsed.event, options.followed());
    if (reason !== null) return drop(reason, `${parsed.event.system} ${parsed.event.subsystem} is not followed`, line);
    log.debug({ vhid: parsed.event.vhid, interface: parsed.event.interface, type: parsed.event.type }, 'devd event');
    try {
      api.onEvent(parsed.event);
    } catch (error) {
      log.error({ err: (error as Error).message }, 'onEvent failed');
    }
  }

  const server = await startSocketServer({
    name: 'intake',
    path: options.path,
    mode: options.mode,
    gid: null,
    maxClients: options.maxClients,
    idleTimeoutMs: options.idleTimeoutMs,
    maxUnreadBytes: options.maxUnreadBytes,
    log: options.log,
    busyLine: errorReply(null, 'TOO_MANY_CLIENTS', `more than ${options.maxClients} clients on the intake socket; try again`),
    handler: {
      onLine(line, client) {
        if (line.trim() === '') return;
        if (line.startsWith('{')) return request(line, client);
        devdLine(line);
      },
      onDrop(lineDrop: LineDrop, client) {
        drop(lineDrop.reason, lineDrop.detail);
        // A JSON client waits for an answer; devd's action does not read one.
        if (lineDrop.firstByte === OPEN_BRACE) client.send(errorReply(null, 'PROTOCOL', lineDrop.detail, { reason: lineDrop.reason }));
      },
    },
  });
  return {
    ...server,
    close: async () => {
      await server.close();
      dropLog.flush();
    },
  };
}
