// The journal: what the service did and when, as append-only JSON lines in the state directory.
// `carp-failover history` rebuilds failover timelines from it (src/status/history.ts). It is a
// record, not a dependency: a failed write is logged and counted, never fatal to a converge.
import { constants } from 'node:fs';
import { appendFile, mkdir, rename, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import { redactSecrets } from '../redact.js';
import type { NodeRole, VhidState } from '../model.js';
import { HISTORY_LIMITS, historyLimit, readTimelines } from './history.js';
import { freeBytes, JOURNAL_RESERVE_BYTES } from './journal-space.js';
import type { JournalEntry, Timeline } from './model.js';

/** The journal file's name inside state_dir; rotated copies get .1 … .N. */
export const JOURNAL_FILE = 'journal.jsonl';

/** Appends never follow a symbolic link planted where the journal should be. */
const APPEND_NO_FOLLOW = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW;

/** Longest error message kept in a step entry: a journal line stays readable and bounded. */
const MAX_MESSAGE = 500;

/** One line of the journal (declared in ./model.ts, which history.ts reads too). */
export type { JournalEntry } from './model.js';

export interface JournalOptions {
  path: string;
  maxBytes: number;
  keep: number;
  log: Logger;
  /** The history reader (tests count its calls); readTimelines by default. */
  read?: typeof readTimelines;
}

/** Append-only, size-bounded JSON-lines journal with numbered rotation; writes are serialized. */
export class Journal {
  readonly path: string;
  private maxBytes: number;
  private keep: number;
  private readonly log: Logger;
  private size: number | null = null;
  private chain: Promise<void> = Promise.resolve();
  private failures = 0;
  private reading: Promise<Timeline[]> | null = null;
  private nextRead: Promise<Timeline[]> | null = null;
  private readonly read: typeof readTimelines;

  constructor(options: JournalOptions) {
    this.path = options.path;
    this.maxBytes = options.maxBytes;
    this.keep = options.keep;
    this.log = options.log.child({ component: 'journal' });
    this.read = options.read ?? readTimelines;
  }

  /** The journal of a config: <state_dir>/journal.jsonl with its size and rotation limits. */
  static fromConfig(config: Config, log: Logger): Journal {
    return new Journal({ path: join(config.state_dir, JOURNAL_FILE), maxBytes: config.journal.max_bytes, keep: config.journal.keep, log });
  }

  /** A reload may change the limits; they apply from the next write. */
  setLimits(maxBytes: number, keep: number): void {
    this.maxBytes = maxBytes;
    this.keep = keep;
  }

  /** Failed writes since start (status counter journalErrors). */
  get writeErrors(): number {
    return this.failures;
  }

  /** Queues one entry; never throws, never blocks the caller. */
  append(entry: JournalEntry): void {
    const line = `${redactSecrets(JSON.stringify(bounded(entry)))}\n`;
    this.chain = this.chain.then(() => this.write(line));
  }

  /** Resolves once every entry appended so far is written (or has failed). */
  flush(): Promise<void> {
    return this.chain;
  }

  /**
   * The last `limit` failovers, newest last, including everything appended before the call.
   * Callers share reads: one at a time, and those who arrive during one share the next, so any
   * number of clients asking costs at most two bounded reads in a row.
   */
  history(limit: number): Promise<Timeline[]> {
    const count = historyLimit(limit);
    const read = this.nextRead ?? (this.reading ? this.queueRead(this.reading) : this.startRead());
    return read.then((timelines) => timelines.slice(-count));
  }

  private queueRead(after: Promise<unknown>): Promise<Timeline[]> {
    this.nextRead = after.then(
      () => this.startRead(),
      () => this.startRead(),
    );
    return this.nextRead;
  }

  private startRead(): Promise<Timeline[]> {
    this.nextRead = null;
    const read = this.flush().then(() => this.read(this.path, HISTORY_LIMITS.max));
    this.reading = read;
    void read.finally(() => {
      if (this.reading === read) this.reading = null;
    }).catch(() => undefined);
    return read;
  }

  private async write(line: string): Promise<void> {
    const bytes = Buffer.byteLength(line);
    try {
      if (this.size === null) this.size = await currentSize(this.path);
      if (this.size > 0 && this.size + bytes > this.maxBytes) {
        await this.rotate();
        this.size = 0;
      }
      const free = await freeBytes(dirname(this.path));
      if (free - bytes < JOURNAL_RESERVE_BYTES) throw new Error(`the state filesystem has ${free} bytes free; the journal leaves ${JOURNAL_RESERVE_BYTES} to the demotion record and flags`);
      await appendFile(this.path, line, { mode: 0o640, flag: APPEND_NO_FOLLOW });
      this.size += bytes;
    } catch (error) {
      this.failures++;
      this.size = null; // re-read the size next time: the file may have been rotated or removed
      this.log.error({ err: error, path: this.path }, 'journal write failed; the entry is lost');
    }
  }

  // journal.jsonl.(keep-1) → .keep (replacing it), …, journal.jsonl → .1
  private async rotate(): Promise<void> {
    for (let i = this.keep - 1; i >= 1; i--) await renameIfExists(`${this.path}.${i}`, `${this.path}.${i + 1}`);
    await renameIfExists(this.path, `${this.path}.1`);
  }
}

async function currentSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    await mkdir(dirname(path), { recursive: true, mode: 0o750 });
    return 0;
  }
}

async function renameIfExists(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

function bounded(entry: JournalEntry): JournalEntry {
  if (entry.type !== 'step' || !entry.error || entry.error.message.length <= MAX_MESSAGE) return entry;
  return { ...entry, error: { code: entry.error.code, message: `${entry.error.message.slice(0, MAX_MESSAGE)}…` } };
}
