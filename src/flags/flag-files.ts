// The operator flag files, `<state_dir>/drain` and `<state_dir>/freeze`: a file that exists means
// the flag is on, whatever it holds; its optional JSON (who, when, why) is for humans. A file is
// honoured only when a trusted uid (root) owns it: the directory is root's (checked at start), so
// a stranger's file means something is wrong, and it must not drain the node.
import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import type { Logger } from 'pino';
import { readNoFollow } from '../host/durable-file.js';
import { untrustedOwner } from '../host/trusted-directory.js';
import type { OperatorFlags } from '../model.js';

export type FlagName = keyof OperatorFlags;

/** The flags, in the order they are read and reported. */
export const FLAG_NAMES: readonly FlagName[] = ['drain', 'freeze'];

/** What a flag file may say about itself. Free-form for humans; never required. */
export interface FlagMeta {
  who?: string;
  /** ISO-8601. */
  when?: string;
  why?: string;
}

/** Flag files are tiny; a bigger one is read only as far as this, and its contents ignored. */
const MAX_META_BYTES = 4096;

/** The path of a flag's file. */
export function flagPath(stateDir: string, flag: FlagName): string {
  return join(stateDir, flag);
}

/**
 * Both flags as the files say now. A file owned by an untrusted uid is ignored (and logged); a
 * file that cannot be examined (EACCES, EIO) keeps its previous value rather than flip a flag.
 */
export async function readFlagFiles(stateDir: string, previous: OperatorFlags | null, trustedUids: readonly number[], log: Logger): Promise<OperatorFlags> {
  const flags: OperatorFlags = { drain: false, freeze: false };
  for (const flag of FLAG_NAMES) {
    const path = flagPath(stateDir, flag);
    try {
      const owner = untrustedOwner((await lstat(path)).uid, trustedUids);
      if (owner) log.error({ path, flag }, `the ${flag} flag file ${owner}: ignored`);
      flags[flag] = owner === null;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') continue;
      log.error({ err: error, path }, `cannot read the ${flag} flag file; keeping its last known value`);
      flags[flag] = previous?.[flag] ?? false;
    }
  }
  return flags;
}

/** The JSON a flag file holds, or null when absent, empty, a link, or not our JSON shape. */
export async function readFlagMeta(path: string): Promise<FlagMeta | null> {
  try {
    const read = await readNoFollow(path, MAX_META_BYTES);
    if (read === null) return null;
    const parsed: unknown = JSON.parse(read.text);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return null;
    const record = parsed as Record<string, unknown>;
    const meta: FlagMeta = {};
    for (const key of ['who', 'when', 'why'] as const) {
      if (typeof record[key] === 'string') meta[key] = (record[key] as string).slice(0, 256);
    }
    return meta;
  } catch {
    return null;
  }
}

/** The text set() writes into a flag file. */
export function flagFileText(flag: FlagName, meta: FlagMeta, now: number): string {
  const contents = { flag, who: meta.who ?? defaultWho(), when: meta.when ?? new Date(now).toISOString(), ...(meta.why === undefined ? {} : { why: meta.why }) };
  return `${JSON.stringify(contents)}\n`;
}

function defaultWho(): string {
  const sudo = process.env.SUDO_USER;
  if (sudo) return sudo;
  try {
    return userInfo().username;
  } catch {
    return `uid ${process.getuid?.() ?? '?'}`;
  }
}
