// Protocol v1 on the server side: one JSON request line in, one JSON reply line out, for both
// sockets. Nothing a client sends can make this throw: every failure becomes an error reply.
import { summarizeError, type ErrorCode } from '../errors.js';
import { redactSecrets } from '../redact.js';
import { PROTOCOL_VERSION, READ_COMMANDS, WRITE_COMMANDS, type Command, type ReadCommand, type Reply } from './protocol.js';
import type { ServiceApi } from './service-api.js';
import { HISTORY_LIMITS } from '../status/history.js';

/** Which commands a socket takes: the status socket only reads, the intake takes everything. */
export type CommandAccess = 'read' | 'all';

type ReplyId = string | number | null;


/** A reply line (without "\n") and, for an error reply, its code. */
export interface Answer {
  line: string;
  code: ErrorCode | null;
}

/** Codes that mean the client sent something wrong (as opposed to the service failing). */
export const CLIENT_ERROR_CODES: readonly ErrorCode[] = ['PROTOCOL', 'UNKNOWN_COMMAND', 'READ_ONLY_SOCKET'];

/** Handles one request line and resolves with its reply. */
export async function answerRequest(line: string, api: ServiceApi, access: CommandAccess): Promise<Answer> {
  let id: ReplyId = null;
  const fail = (code: ErrorCode, message: string, details?: Record<string, unknown>): Answer => ({
    line: errorReply(id, code, message, details),
    code,
  });
  try {
    const parsed = parseRequest(line);
    id = parsed.id;
    if ('error' in parsed) return fail('PROTOCOL', parsed.error);
    const { cmd, args } = parsed;
    if (!isCommand(cmd)) {
      return fail('UNKNOWN_COMMAND', `unknown command ${JSON.stringify(cmd).slice(0, 80)}`, {
        valid: access === 'read' ? [...READ_COMMANDS] : [...READ_COMMANDS, ...WRITE_COMMANDS],
      });
    }
    if (access === 'read' && !isReadCommand(cmd)) {
      return fail('READ_ONLY_SOCKET', `${cmd} changes the service: send it on the intake socket (root only)`, {
        valid: [...READ_COMMANDS],
      });
    }
    const result = await run(cmd, args, api);
    if (typeof result === 'string') return fail('PROTOCOL', result);
    return { line: reply({ version: PROTOCOL_VERSION, id, ok: true, result: result.value }), code: null };
  } catch (error) {
    const summary = summarizeError(error);
    return fail(summary.code, summary.message, summary.details);
  }
}

/** The reply for a line that never became a request (oversized, not UTF-8, cut short). */
export function errorReply(id: ReplyId, code: ErrorCode, message: string, details?: Record<string, unknown>): string {
  const error = details === undefined ? { code, message } : { code, message, details };
  return reply({ version: PROTOCOL_VERSION, id, ok: false, error });
}

/** Runs a valid command; a string is a complaint about its arguments. */
async function run(cmd: Command, args: Record<string, unknown>, api: ServiceApi): Promise<{ value: unknown } | string> {
  switch (cmd) {
    case 'status':
      return { value: api.status() };
    case 'history': {
      const limit = args.limit ?? HISTORY_LIMITS.default;
      if (!Number.isInteger(limit) || (limit as number) < 1 || (limit as number) > HISTORY_LIMITS.max) {
        return `args.limit must be an integer from 1 to ${HISTORY_LIMITS.max}`;
      }
      return { value: await api.history(limit as number) };
    }
    case 'ping':
      return { value: { pong: true } };
    case 'reconcile':
      return { value: await api.reconcileNow() };
    case 'drain':
    case 'undrain':
      return { value: await api.setFlag('drain', cmd === 'drain') };
    case 'freeze':
    case 'thaw':
      return { value: await api.setFlag('freeze', cmd === 'freeze') };
    case 'release':
      return { value: await api.releaseFailback() };
  }
}

type Parsed = { id: ReplyId; cmd: unknown; args: Record<string, unknown> } | { id: ReplyId; error: string };

function parseRequest(line: string): Parsed {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { id: null, error: 'request is not valid JSON' };
  }
  if (!isRecord(value)) return { id: null, error: 'request must be a JSON object' };
  const id = typeof value.id === 'string' || typeof value.id === 'number' ? value.id : null;
  if (value.id !== undefined && id === null) return { id, error: 'id must be a string or a number' };
  if (value.v !== undefined && value.v !== PROTOCOL_VERSION) return { id, error: `protocol version ${PROTOCOL_VERSION} only (got v=${JSON.stringify(value.v)})` };
  if (typeof value.cmd !== 'string') return { id, error: 'cmd must be a string' };
  if (value.args !== undefined && !isRecord(value.args)) return { id, error: 'args must be an object' };
  return { id, cmd: value.cmd, args: (value.args as Record<string, unknown> | undefined) ?? {} };
}

function reply(value: Reply): string {
  try {
    // status and history may quote an error that quoted a secret: never sent to a client.
    return redactSecrets(JSON.stringify(value));
  } catch (error) {
    return JSON.stringify({ version: PROTOCOL_VERSION, id: value.id, ok: false, error: { code: 'INTERNAL', message: `reply not serializable: ${(error as Error).message}` } });
  }
}

function isCommand(cmd: unknown): cmd is Command {
  return isReadCommand(cmd) || (WRITE_COMMANDS as readonly unknown[]).includes(cmd);
}

function isReadCommand(cmd: unknown): cmd is ReadCommand {
  return (READ_COMMANDS as readonly unknown[]).includes(cmd);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
