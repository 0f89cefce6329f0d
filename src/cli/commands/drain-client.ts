// A small control-protocol client for the drain/undrain/freeze/thaw commands. The CLI's shared
// client (src/cli/client.ts) had not landed when these commands were written; this one speaks
// the same protocol v1 (one JSON request line, one JSON reply line) with the same exit statuses,
// and can be swapped for it without changing the commands' behaviour.
import { readFile } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { parse as parseYaml } from 'yaml';
import { CarpFailoverError, type ErrorCode } from '../../errors.js';
import { configSchema } from '../../config/schema.js';
import { PROTOCOL_VERSION, type Command, type Reply } from '../../control/protocol.js';
import { EXIT } from '../exit-codes.js';

export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
/** A status reply is a few KiB; this bounds what a confused peer can make us buffer. */
const MAX_REPLY_BYTES = 16 * 1024 * 1024;

/** Talking to the service failed, or it said no; exitStatus is what the CLI exits with. */
export class ControlError extends CarpFailoverError {
  readonly exitStatus: number;
  constructor(code: ErrorCode, message: string, exitStatus: number, details: Record<string, unknown> = {}, cause?: unknown) {
    super(code, message, { details, cause });
    this.exitStatus = exitStatus;
  }
}

export interface SocketPaths {
  intake: string;
  status: string;
}

/**
 * The socket paths from the config file's `sockets` section, validated by the schema. The rest
 * of the file does not matter here; an unreadable file or an invalid section falls back to the
 * schema defaults, like a service started without that section would use.
 */
export async function socketPathsFor(configPath: string): Promise<SocketPaths & { fromDefaults: boolean }> {
  const schema = configSchema.shape.sockets;
  try {
    const text = await readFile(configPath, 'utf8');
    const raw: unknown = parseYaml(text, { maxAliasCount: 100 });
    const section = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>).sockets : undefined;
    const sockets = schema.parse(section);
    return { intake: sockets.intake.path, status: sockets.status.path, fromDefaults: false };
  } catch {
    const sockets = schema.parse(undefined);
    return { intake: sockets.intake.path, status: sockets.status.path, fromDefaults: true };
  }
}

/** One request/reply exchange on a Unix socket; resolves with the reply's result. */
export function sendCommand(socketPath: string, cmd: Command, options: { timeoutMs?: number; args?: Record<string, unknown> } = {}): Promise<unknown> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const id = `cli-${process.pid}-${Date.now().toString(36)}`;
  const request = { v: PROTOCOL_VERSION, id, cmd, ...(options.args ? { args: options.args } : {}) };
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
      if (error) reject(error);
      else resolve(result);
    };
    const timer = setTimeout(
      () => finish(new ControlError('TIMEOUT', `no answer from carp-failover on ${socketPath} within ${timeoutMs} ms`, EXIT.TEMPFAIL, { path: socketPath })),
      timeoutMs,
    );
    socket.on('connect', () => socket.write(`${JSON.stringify(request)}\n`));
    socket.on('error', (error: NodeJS.ErrnoException) => finish(connectError(socketPath, error)));
    socket.on('data', (chunk: Buffer) => {
      const newline = chunk.indexOf(0x0a);
      const part = newline === -1 ? chunk : chunk.subarray(0, newline);
      chunks.push(part);
      size += part.length;
      if (size > MAX_REPLY_BYTES) return finish(protocolError(socketPath, `the reply is longer than ${MAX_REPLY_BYTES} bytes`));
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
  if (reply === null || typeof reply !== 'object' || typeof reply.ok !== 'boolean') throw protocolError(socketPath, 'the answer has no "ok" field');
  if (reply.version !== PROTOCOL_VERSION) {
    throw protocolError(socketPath, `the service speaks protocol version ${JSON.stringify(reply.version)}, this CLI speaks ${PROTOCOL_VERSION}`);
  }
  if (reply.ok) return reply.result;
  const code = String(reply.error?.code ?? 'INTERNAL');
  const message = String(reply.error?.message ?? 'the service reported an error without details');
  const exit = code === 'UNKNOWN_COMMAND' || code === 'PROTOCOL' ? EXIT.SOFTWARE : code === 'STATE_UNREADABLE' ? EXIT.IOERR : EXIT.FAILURE;
  throw new ControlError(code as ErrorCode, `carp-failover refused: ${code}: ${message}`, exit, { ...(reply.error?.details ?? {}), remoteCode: code });
}

function protocolError(socketPath: string, message: string): ControlError {
  return new ControlError('PROTOCOL', `${message} (on ${socketPath})`, EXIT.SOFTWARE, { path: socketPath });
}

function connectError(socketPath: string, error: NodeJS.ErrnoException): ControlError {
  const details = { path: socketPath, errno: error.code };
  if (error.code === 'ENOENT' || error.code === 'ECONNREFUSED' || error.code === 'ENOTSOCK') {
    return new ControlError('NOT_RUNNING', `carp-failover is not running (no answer on ${socketPath})`, EXIT.UNAVAILABLE, details, error);
  }
  if (error.code === 'EACCES' || error.code === 'EPERM') {
    return new ControlError('INTERNAL', `permission denied on ${socketPath} (write commands need root)`, EXIT.NOPERM, details, error);
  }
  if (error.code === 'ECONNRESET' || error.code === 'EPIPE') return protocolError(socketPath, 'the service reset the connection');
  return new ControlError('INTERNAL', `cannot talk to carp-failover on ${socketPath}: ${error.message}`, EXIT.IOERR, details, error);
}

/** The exit status for anything a command throws. */
export function exitStatusFor(error: unknown): number {
  return error instanceof ControlError ? error.exitStatus : EXIT.SOFTWARE;
}
