// The two control sockets of a service, and their part of a reload transaction: a socket whose
// options changed is bound anew *before* the running one is touched, so a reload that cannot
// bind (another process answers on the new path) changes nothing.
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import type { ServiceApi } from '../control/service-api.js';
import type { SocketServer } from '../control/socket-server.js';
import { startStatusSocket } from '../control/status-socket.js';
import { startIntakeSocket } from '../events/intake-socket.js';

/** The running control sockets. */
export interface ControlSockets {
  status: SocketServer;
  intake: SocketServer;
}

/** A reload's sockets, bound and not yet in use: commit closes what they replace, abort closes them. */
export interface PreparedSockets {
  sockets: ControlSockets;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

/** What the sockets read from the service while they run. */
export interface SocketDeps {
  api: ServiceApi;
  log: Logger;
  /** The current config's vhids: SIGHUP may change them. */
  followed: () => Config['carp']['vhids'];
}

/** Binds status then intake; rejects with SOCKET_IN_USE (and leaves nothing bound) when one is taken. */
export async function openSockets(config: Config, deps: SocketDeps): Promise<ControlSockets> {
  const status = await startStatusSocket({ ...statusOptions(config), api: deps.api, log: deps.log });
  try {
    return { status, intake: await startIntakeSocket({ ...intakeOptions(config), followed: deps.followed, api: deps.api, log: deps.log }) };
  } catch (error) {
    await status.close();
    throw error;
  }
}

/**
 * The sockets `next` needs, given the running ones. A socket at a new path is bound first; one
 * whose path stays but whose mode, group or limits change must free the path before it is bound
 * again, so that one is rebound at commit, and bound back as it was when that fails.
 */
export async function prepareSockets(running: ControlSockets, previous: Config, next: Config, deps: SocketDeps): Promise<PreparedSockets> {
  const opened: SocketServer[] = [];
  const replaced: SocketServer[] = [];
  const sockets = { ...running };
  const atCommit: Array<() => Promise<void>> = [];
  const plan = [
    { key: 'status' as const, before: statusOptions(previous), after: statusOptions(next), start: (c: Config) => startStatusSocket({ ...statusOptions(c), api: deps.api, log: deps.log }) },
    { key: 'intake' as const, before: intakeOptions(previous), after: intakeOptions(next), start: (c: Config) => startIntakeSocket({ ...intakeOptions(c), followed: deps.followed, api: deps.api, log: deps.log }) },
  ];
  try {
    for (const { key, before, after, start } of plan) {
      if (JSON.stringify(before) === JSON.stringify(after)) continue;
      if (before.path !== after.path) {
        sockets[key] = await start(next);
        opened.push(sockets[key]);
        replaced.push(running[key]);
        continue;
      }
      atCommit.push(async () => {
        await running[key].close();
        try {
          sockets[key] = await start(next);
        } catch (error) {
          deps.log.error({ err: error, socket: key }, 'cannot rebind the socket with its new options; binding it back as it was');
          sockets[key] = await start(previous);
        }
      });
    }
  } catch (error) {
    await Promise.allSettled(opened.map((s) => s.close()));
    throw error;
  }
  return {
    sockets,
    async commit() {
      await Promise.allSettled(replaced.map((s) => s.close()));
      for (const step of atCommit) await step();
    },
    async abort() {
      await Promise.allSettled(opened.map((s) => s.close()));
    },
  };
}

/** Closes both sockets and removes their files. */
export async function closeSockets(sockets: ControlSockets | null): Promise<void> {
  if (sockets) await Promise.allSettled([sockets.status.close(), sockets.intake.close()]);
}

function statusOptions(config: Config) {
  const s = config.sockets;
  return { path: s.status.path, mode: s.status.mode, group: s.status.group, maxClients: s.max_clients, idleTimeoutMs: s.idle_timeout_ms };
}

function intakeOptions(config: Config) {
  const s = config.sockets;
  return { path: s.intake.path, mode: s.intake.mode, maxClients: s.max_clients, idleTimeoutMs: s.idle_timeout_ms };
}
