// <state_dir>/failback.json: whether this node led at its last run and the hold it keeps, so a
// restart or a reboot neither drops a hold nor forgets that the node was MASTER when it died.
// Written like demotion.json: temp file, fsync, rename, fsync of the directory.
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { FailbackRecord } from './failback.js';

/** The file's name in the state directory. */
export const FAILBACK_FILE = 'failback.json';

/** What load() found: a record, nothing yet, or a file that is not a record (kept aside). */
export type LoadedFailback = { kind: 'record'; record: FailbackRecord } | { kind: 'none' } | { kind: 'unreadable'; why: string };

/** Reads and writes failback.json. */
export class FailbackStore {
  readonly path: string;

  constructor(stateDir: string) {
    this.path = join(stateDir, FAILBACK_FILE);
  }

  async load(): Promise<LoadedFailback> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'none' };
      return { kind: 'unreadable', why: (error as Error).message };
    }
    const record = parseFailback(text);
    return record === null ? { kind: 'unreadable', why: 'not a fail-back record' } : { kind: 'record', record };
  }

  /** Moves an unreadable file aside (failback.json.bad) for the operator; its new path. */
  async setAside(): Promise<string> {
    const aside = `${this.path}.bad`;
    await rename(this.path, aside);
    return aside;
  }

  async save(record: FailbackRecord): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true, mode: 0o750 });
    const temp = `${this.path}.tmp`;
    const file = await open(temp, 'w', 0o600);
    try {
      await file.writeFile(`${JSON.stringify(record)}\n`, 'utf8');
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, this.path);
    const dir = await open(dirname(this.path), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }
}

const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** The record in text, or null when it is not one. */
export function parseFailback(text: string): FailbackRecord | null {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof raw !== 'object' || raw === null) return null;
  const r = raw as Record<string, unknown>;
  if (r.version !== 1 || typeof r.leader !== 'boolean') return null;
  if (r.hold === null) return { version: 1, leader: r.leader, hold: null };
  if (typeof r.hold !== 'object' || r.hold === undefined) return null;
  const h = r.hold as Record<string, unknown>;
  if (!isTime(h.since) || typeof h.reason !== 'string' || h.reason.length > 500) return null;
  if (h.readySince !== null && !isTime(h.readySince)) return null;
  return { version: 1, leader: r.leader, hold: { since: h.since, reason: h.reason, readySince: h.readySince as number | null } };
}
