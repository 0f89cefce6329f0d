// Control protocol v1, shared by the sockets (src/control/) and the CLI (src/cli/).
// One JSON request per line, one JSON reply per line:
//   → {"v":1,"id":7,"cmd":"status"}
//   ← {"version":1,"id":7,"ok":true,"result":{…}}
//   ← {"version":1,"id":7,"ok":false,"error":{"code":"UNKNOWN_COMMAND","message":"…"}}
// The status socket (0660, group-readable) takes only READ_COMMANDS. The intake socket (0600,
// root) takes devd lines and, on lines starting with "{", every command.

export const PROTOCOL_VERSION = 1;

export const READ_COMMANDS = ['status', 'history', 'ping'] as const;
export const WRITE_COMMANDS = ['reconcile', 'drain', 'undrain', 'freeze', 'thaw', 'release'] as const;

export type ReadCommand = (typeof READ_COMMANDS)[number];
export type WriteCommand = (typeof WRITE_COMMANDS)[number];
export type Command = ReadCommand | WriteCommand;

export interface Request {
  v: number;
  id?: string | number;
  cmd: Command;
  args?: Record<string, unknown>;
}

export interface ReplyError {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

export type Reply =
  | { version: number; id: string | number | null; ok: true; result: unknown }
  | { version: number; id: string | number | null; ok: false; error: ReplyError };

/** Longest request line accepted on either socket. */
export const MAX_LINE_BYTES = 1024;
