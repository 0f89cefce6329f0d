// The operator flags (drain, freeze) as files in the state directory: `<state_dir>/drain` and
// `<state_dir>/freeze`. A file that exists means the flag is on, whatever it contains; its
// optional JSON contents (who, when, why) are for humans. Two ways in, one truth on disk:
//   - the write commands (`carp-failover drain`…) go through FlagStore.set(), which writes the
//     file atomically (temp file in the same directory, fsync, rename, fsync of the directory)
//     or removes it;
//   - configuration management (Ansible, Salt, a `touch` in a script) creates or removes the
//     files directly; a chokidar watcher on the directory notices and notifies the listeners.
// get() is synchronous and cached: the flags are read when the store is built, so the daemon
// knows about a drain before the engine's first reconcile (a drained node that reboots must not
// take MASTER back). refresh() re-reads the disk synchronously, for a caller that does not want
// to trust the watcher alone (the periodic reconcile can call it).
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeSync,
  chmodSync,
} from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { userInfo } from 'node:os';
import { watch, type FSWatcher } from 'chokidar';
import type { Logger } from 'pino';
import { CarpFailoverError } from '../errors.js';
import type { OperatorFlags } from '../model.js';

export type FlagName = keyof OperatorFlags;

export const FLAG_NAMES: readonly FlagName[] = ['drain', 'freeze'];

/** What a flag file may say about itself. Free-form for humans; never required. */
export interface FlagMeta {
  who?: string;
  /** ISO-8601. */
  when?: string;
  why?: string;
}

/** Where a change came from: our own set(), or a file created/removed by someone else. */
export type FlagChangeSource = 'set' | 'file';

export interface FlagChange {
  flag: FlagName;
  on: boolean;
  source: FlagChangeSource;
  flags: OperatorFlags;
}

export type FlagListener = (change: FlagChange) => void;

export interface FlagStoreOptions {
  stateDir: string;
  log: Logger;
  /** Quiet time before a burst of file events is acted on (ms). */
  debounceMs?: number;
  /** False: no watcher (one-shot tools, tests of the file format). Default true. */
  watch?: boolean;
  /** For set()'s default meta. */
  now?: () => number;
}

const DIR_MODE = 0o750;
const FILE_MODE = 0o640;
/** Flag files are tiny; a bigger one is read only as far as this, and its contents ignored. */
const MAX_META_BYTES = 4096;

export class FlagStore {
  readonly stateDir: string;
  private readonly log: Logger;
  private readonly debounceMs: number;
  private readonly now: () => number;
  private flags: OperatorFlags;
  private readonly listeners = new Set<FlagListener>();
  private watcher: FSWatcher | null = null;
  private watcherReady: Promise<void> = Promise.resolve();
  private debounceTimer: NodeJS.Timeout | null = null;
  /** set() calls run one after another: the file and the cache never disagree for long. */
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(options: FlagStoreOptions) {
    this.stateDir = resolve(options.stateDir);
    this.log = options.log.child({ component: 'flags' });
    this.debounceMs = options.debounceMs ?? 100;
    this.now = options.now ?? Date.now;
    ensureDirectory(this.stateDir, this.log);
    this.flags = this.readDisk();
    this.log.info({ flags: this.flags, stateDir: this.stateDir }, 'operator flags read');
    if (options.watch !== false) this.startWatcher();
  }

  /** The flags as last read or set. Synchronous; never touches the disk. */
  get(): OperatorFlags {
    return { ...this.flags };
  }

  /** The path of a flag's file. */
  pathOf(flag: FlagName): string {
    return join(this.stateDir, flag);
  }

  /** The JSON a flag file holds, or null when absent, empty or not our JSON shape. */
  meta(flag: FlagName): FlagMeta | null {
    return readMeta(this.pathOf(flag));
  }

  /**
   * Turns a flag on (writes its file atomically, with meta as JSON) or off (removes it).
   * Resolves once the change is durable on disk; listeners hear about it before that.
   */
  set(flag: FlagName, on: boolean, meta: FlagMeta = {}): Promise<OperatorFlags> {
    if (!FLAG_NAMES.includes(flag)) {
      return Promise.reject(new CarpFailoverError('INTERNAL', `unknown operator flag "${String(flag)}"`));
    }
    const run = async (): Promise<OperatorFlags> => {
      if (this.closed) throw new CarpFailoverError('INTERNAL', 'the flag store is closed');
      const path = this.pathOf(flag);
      try {
        if (on) {
          const contents = {
            flag,
            who: meta.who ?? defaultWho(),
            when: meta.when ?? new Date(this.now()).toISOString(),
            ...(meta.why === undefined ? {} : { why: meta.why }),
          };
          writeAtomic(path, `${JSON.stringify(contents)}\n`);
        } else {
          removeDurably(path);
        }
      } catch (error) {
        throw new CarpFailoverError('STATE_UNREADABLE', `cannot ${on ? 'write' : 'remove'} the ${flag} flag file ${path}: ${(error as Error).message}`, {
          cause: error,
          details: { path, flag, on },
        });
      }
      this.log.info({ flag, on, path }, `operator flag ${flag} ${on ? 'set' : 'cleared'}`);
      this.update({ ...this.flags, [flag]: on }, 'set');
      return this.get();
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Re-reads both files now; notifies listeners of what changed. */
  refresh(): OperatorFlags {
    if (!this.closed) this.update(this.readDisk(), 'file');
    return this.get();
  }

  /** Calls listener after every change of a flag (one call per flag that changed). */
  onChange(listener: FlagListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves when the watcher has scanned the directory (immediately without a watcher). */
  ready(): Promise<void> {
    return this.watcherReady;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.debounceTimer) clearTimeout(this.debounceTimer);
    this.debounceTimer = null;
    this.listeners.clear();
    const watcher = this.watcher;
    this.watcher = null;
    await this.queue;
    if (watcher) {
      try {
        await watcher.close();
      } catch (error) {
        this.log.warn({ err: error }, 'closing the flag watcher failed');
      }
    }
  }

  private readDisk(): OperatorFlags {
    return { drain: this.present('drain'), freeze: this.present('freeze') };
  }

  /** Presence is what counts: a file, an empty file, garbage, even a directory. */
  private present(flag: FlagName): boolean {
    const path = this.pathOf(flag);
    try {
      lstatSync(path);
      return true;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return false;
      // Cannot tell (EACCES, EIO): keep what we believed rather than flip a flag on a hiccup.
      this.log.error({ err: error, path }, `cannot read the ${flag} flag file; keeping its last known value`);
      return this.flags?.[flag] ?? false;
    }
  }

  private update(next: OperatorFlags, source: FlagChangeSource): void {
    const previous = this.flags;
    this.flags = next;
    for (const flag of FLAG_NAMES) {
      if (previous[flag] === next[flag]) continue;
      if (source === 'file') {
        this.log.warn({ flag, on: next[flag], path: this.pathOf(flag) }, `operator flag ${flag} ${next[flag] ? 'set' : 'cleared'} by its file`);
      }
      const change: FlagChange = { flag, on: next[flag], source, flags: { ...next } };
      for (const listener of [...this.listeners]) {
        try {
          listener(change);
        } catch (error) {
          this.log.error({ err: error, flag }, 'an operator flag listener threw');
        }
      }
    }
  }

  private startWatcher(): void {
    const names = new Set<string>(FLAG_NAMES);
    const dir = this.stateDir;
    try {
      const watcher = watch(dir, {
        depth: 0,
        ignoreInitial: true,
        persistent: false,
        // Only the two flag names; the temp files set() writes and the journal are ignored.
        ignored: (path: string) => resolve(path) !== dir && !names.has(basename(path)),
      });
      this.watcher = watcher;
      const onEvent = (path: string) => {
        if (resolve(path) === dir) return;
        this.schedule();
      };
      watcher.on('add', onEvent);
      watcher.on('unlink', onEvent);
      watcher.on('addDir', onEvent);
      watcher.on('unlinkDir', onEvent);
      watcher.on('error', (error: unknown) => {
        // Never fatal: the flags stay as they were and refresh() still reads the disk.
        this.log.error({ err: error, stateDir: dir }, 'the operator flag watcher failed');
      });
      this.watcherReady = new Promise<void>((done) => {
        watcher.once('ready', () => {
          // A file may have appeared between the constructor's read and the watcher's scan.
          this.refresh();
          done();
        });
      });
    } catch (error) {
      this.log.error({ err: error, stateDir: dir }, 'cannot watch the state directory; flag files changed by hand are seen only on refresh');
    }
  }

  private schedule(): void {
    if (this.closed) return;
    if (this.debounceTimer) clearTimeout(this.debounceTimer);
    this.debounceTimer = setTimeout(() => {
      this.debounceTimer = null;
      this.refresh();
    }, this.debounceMs);
    this.debounceTimer.unref?.();
  }
}

function ensureDirectory(dir: string, log: Logger): void {
  try {
    const created = mkdirSync(dir, { recursive: true, mode: DIR_MODE });
    if (created !== undefined) {
      // mkdir's mode is filtered by the umask; the directory we made gets exactly 0750.
      chmodSync(dir, DIR_MODE);
      log.info({ stateDir: dir }, 'created the state directory');
    }
  } catch (error) {
    throw new CarpFailoverError('STATE_UNREADABLE', `cannot create the state directory ${dir}: ${(error as Error).message}`, {
      cause: error,
      details: { path: dir },
    });
  }
}

function writeAtomic(path: string, text: string): void {
  const temp = join(resolve(path, '..'), `.${basename(path)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  let fd: number | null = null;
  try {
    fd = openSync(temp, 'wx', FILE_MODE);
    writeSync(fd, text);
    fsyncSync(fd);
    closeSync(fd);
    fd = null;
    renameSync(temp, path);
  } catch (error) {
    if (fd !== null) closeSync(fd);
    try {
      unlinkSync(temp);
    } catch {
      // already gone
    }
    throw error;
  }
  syncDirectory(resolve(path, '..'));
}

function removeDurably(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    if (code === 'EISDIR' || code === 'EPERM') {
      // Someone made the flag a directory; presence counts, so it must go too.
      rmSync(path, { recursive: true, force: true });
    } else {
      throw error;
    }
  }
  syncDirectory(resolve(path, '..'));
}

/** fsync of the directory makes a rename or unlink durable across a power cut. */
function syncDirectory(dir: string): void {
  let fd: number | null = null;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some filesystems refuse fsync on a directory; the rename itself is still atomic.
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

function readMeta(path: string): FlagMeta | null {
  let fd: number | null = null;
  try {
    fd = openSync(path, 'r');
    const buffer = Buffer.alloc(MAX_META_BYTES);
    const length = readSync(fd, buffer, 0, MAX_META_BYTES, 0);
    const parsed: unknown = JSON.parse(buffer.subarray(0, length).toString('utf8'));
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return null;
    const record = parsed as Record<string, unknown>;
    const meta: FlagMeta = {};
    for (const key of ['who', 'when', 'why'] as const) {
      if (typeof record[key] === 'string') meta[key] = (record[key] as string).slice(0, 256);
    }
    return meta;
  } catch {
    return null;
  } finally {
    if (fd !== null) closeSync(fd);
  }
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
