// The CLI's side of control protocol v1: one request line, one reply line, then hang up. Read
// commands go to the group-readable status socket, write commands to the root-only intake
// socket; both paths come from the config, or from its sockets section when another section is
// invalid (the running service keeps its last valid config), or the schema defaults.
import { lstat } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { CarpFailoverError, type ErrorCode } from '../errors.js';
import { loadConfig, readConfigData } from '../config/load.js';
import { configSchema, type Config } from '../config/schema.js';
import { EXIT } from '../exit-codes.js';
import { defaultTrustedUids, untrustedOwner } from '../host/trusted-directory.js';
import { PROTOCOL_VERSION, READ_COMMANDS, type Command, type Reply } from '../control/protocol.js';

/** A status reply is a few KiB; this bounds what a confused or hostile peer can make us buffer. */
export const MAX_REPLY_BYTES = 16 * 1024 * 1024;
/** Read commands answer from memory: a slow answer means a stuck service. */
export const DEFAULT_TIMEOUT_MS = 10_000;

/** Talking to the service failed; `exitStatus` is the sysexits value the CLI exits with. */
export class ClientError extends CarpFailoverError {
  readonly exitStatus: number;
  constructor(code: ErrorCode, message: string, exitStatus: number, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(code, message, options);
    this.exitStatus = exitStatus;
  }
}

/** The service answered ok:false; code and details are the service's own. */
export class RemoteError extends CarpFailoverError {
  readonly remoteCode: string;
  constructor(remoteCode: string, message: string, details: Record<string, unknown> = {}) {
    super(remoteCode as ErrorCode, message, { details: { ...details, remoteCode } });
    this.remoteCode = remoteCode;
  }
}

/** Where the sockets are, and the config when it could be read. */
export interface ServiceTarget {
  statusPath: string;
  intakePath: string;
  config: Config | null;
}

/** Socket paths from the config file, falling back to its sockets section, then the schema defaults. */
export async function targetFor(configPath: string): Promise<ServiceTarget> {
  try {
    const config = await loadConfig(configPath);
    return { statusPath: config.sockets.status.path, intakePath: config.sockets.intake.path, config };
  } catch {
    const sockets = await socketsSection(configPath);
    return { statusPath: sockets.status.path, intakePath: sockets.intake.path, config: null };
  }
}

async function socketsSection(configPath: string): Promise<Config['sockets']> {
  const schema = configSchema.shape.sockets;
  try {
    const raw = await readConfigData(configPath);
    return schema.parse(raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>).sockets : undefined);
  } catch {
    return schema.parse(undefined);
  }
}

/**
 * Sends one command on the socket that accepts it and resolves with the reply's result. Root
 * always gets an answer: when status group members hold every status slot, root's read goes to
 * the intake socket, which only root can reach.
 */
export async function callService(target: ServiceTarget, cmd: Command, args?: Record<string, unknown>, options: { timeoutMs?: number } = {}): Promise<unknown> {
  const isRead = (READ_COMMANDS as readonly string[]).includes(cmd);
  if (!isRead) return request(target.intakePath, cmd, args, options);
  try {
    return await request(target.statusPath, cmd, args, options);
  } catch (error) {
    // Turned away: the busy line, or (on a loaded machine) the reset that follows it before it is read.
    const turnedAway = (error instanceof RemoteError && error.remoteCode === 'TOO_MANY_CLIENTS') || (error instanceof ClientError && error.code === 'PROTOCOL');
    if (process.geteuid?.() === 0 && turnedAway) return request(target.intakePath, cmd, args, options);
    throw error;
  }
}

/**
 * Refuses to talk to a socket that root (or we) did not create: a user who replaced it must not
 * answer root's commands with "ok".
 */
export async function checkSocketOwner(socketPath: string, trustedUids: readonly number[] = defaultTrustedUids()): Promise<void> {
  let info;
  try {
    info = await lstat(socketPath);
  } catch (error) {
    throw connectError(socketPath, error as NodeJS.ErrnoException);
  }
  // A stranger's file of any type is refused; root's stale non-socket file is "not running" below.
  const problem = untrustedOwner(info.uid, trustedUids);
  if (problem) {
    throw new ClientError('PATH_UNSAFE', `${socketPath} ${problem}: not talking to it (is another program impersonating carp-failover?)`, EXIT.NOPERM, { details: { path: socketPath, uid: info.uid } });
  }
}

/** One request/reply exchange on a Unix socket, after checking who owns it. */
export async function request(socketPath: string, cmd: Command, args?: Record<string, unknown>, options: { timeoutMs?: number; trustedUids?: readonly number[] } = {}): Promise<unknown> {
  await checkSocketOwner(socketPath, options.trustedUids);
  return exchange(socketPath, cmd, args, options);
}

function exchange(socketPath: string, cmd: Command, args: Record<string, unknown> | undefined, options: { timeoutMs?: number }): Promise<unknown> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const id = `cli-${process.pid}-${Date.now().toString(36)}`;
  const line = `${JSON.stringify({ v: PROTOCOL_VERSION, id, cmd, ...(args === undefined ? {} : { args }) })}\n`;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const socket = createConnection(socketPath);
    const finish = (error: Error | null, result?: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (error === null) resolve(result);
      else reject(error);
    };
    const timer = setTimeout(() => {
      finish(new ClientError('TIMEOUT', `no answer from carp-failover on ${socketPath} within ${timeoutMs} ms`, EXIT.TEMPFAIL, { details: { path: socketPath, timeoutMs } }));
    }, timeoutMs);
    socket.on('connect', () => socket.write(line));
    socket.on('error', (error: NodeJS.ErrnoException) => finish(connectError(socketPath, error)));
    socket.on('data', (chunk: Buffer) => {
      const newline = chunk.indexOf(0x0a);
      chunks.push(newline === -1 ? chunk : chunk.subarray(0, newline));
      size += newline === -1 ? chunk.length : newline;
      if (size > MAX_REPLY_BYTES) {
        return finish(protocolError(socketPath, `the reply is longer than ${MAX_REPLY_BYTES} bytes`));
      }
      if (newline === -1) return;
      try {
        finish(null, resultOf(Buffer.concat(chunks).toString('utf8'), socketPath));
      } catch (error) {
        finish(error as Error);
      }
    });
    socket.on('end', () => finish(protocolError(socketPath, 'the service closed the connection without a complete answer')));
  });
}

function resultOf(text: string, socketPath: string): unknown {
  let reply: Reply;
  try {
    reply = JSON.parse(text) as Reply;
  } catch (error) {
    throw protocolError(socketPath, `the answer is not JSON (${(error as Error).message})`);
  }
  if (reply === null || typeof reply !== 'object' || typeof reply.ok !== 'boolean') {
    throw protocolError(socketPath, 'the answer has no "ok" field');
  }
  if (reply.version !== PROTOCOL_VERSION) {
    throw protocolError(socketPath, `the service speaks protocol version ${JSON.stringify(reply.version)}, this CLI speaks ${PROTOCOL_VERSION}`);
  }
  if (reply.ok) return reply.result;
  const error = reply.error ?? { code: 'INTERNAL', message: 'the service reported an error without details' };
  throw new RemoteError(String(error.code), String(error.message), error.details ?? {});
}

function protocolError(socketPath: string, message: string): ClientError {
  return new ClientError('PROTOCOL', `${message} (on ${socketPath})`, EXIT.SOFTWARE, { details: { path: socketPath } });
}

function connectError(socketPath: string, error: NodeJS.ErrnoException): ClientError {
  const details = { path: socketPath, errno: error.code };
  if (error.code === 'ENOENT' || error.code === 'ECONNREFUSED' || error.code === 'ENOTSOCK') {
    return new ClientError('NOT_RUNNING', `carp-failover is not running (no answer on ${socketPath})`, EXIT.UNAVAILABLE, { cause: error, details });
  }
  if (error.code === 'EACCES' || error.code === 'EPERM') {
    return new ClientError('PERMISSION_DENIED', `permission denied on ${socketPath} (status needs the socket's group; write commands need root)`, EXIT.NOPERM, { cause: error, details });
  }
  if (error.code === 'ECONNRESET' || error.code === 'EPIPE') {
    return protocolError(socketPath, 'the service reset the connection');
  }
  return new ClientError('INTERNAL', `cannot talk to carp-failover on ${socketPath}: ${error.message}`, EXIT.IOERR, { cause: error, details });
}

/** The exit status for anything a command throws. */
export function exitStatusOf(error: unknown): number {
  if (error instanceof ClientError) return error.exitStatus;
  if (error instanceof RemoteError) {
    if (error.remoteCode === 'UNKNOWN_COMMAND' || error.remoteCode === 'PROTOCOL') return EXIT.SOFTWARE;
    // The service could not persist or read its state (e.g. a flag file): an I/O failure there.
    return error.remoteCode === 'STATE_UNREADABLE' ? EXIT.IOERR : EXIT.FAILURE;
  }
  if (error instanceof CarpFailoverError && (error.code === 'CONFIG_INVALID' || error.code === 'CONFIG_UNREADABLE')) return EXIT.CONFIG;
  return EXIT.SOFTWARE;
}
