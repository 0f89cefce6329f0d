// The operator flags (drain, freeze) and their one truth on disk (flag-files.ts). Two ways in:
// the write commands go through set(), which writes the file durably (host/durable-file.ts) or
// removes it; configuration management creates or removes the files directly, and the watcher
// (flag-watcher.ts), or at the latest its periodic re-read, brings that in. get() is synchronous
// and cached: open() reads the files before it resolves, so the daemon knows about a drain before
// the engine's first reconcile (a drained node that reboots must not take MASTER back).
import { chmod, mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Logger } from 'pino';
import { CarpFailoverError } from '../errors.js';
import { removeDurably, writeDurably } from '../host/durable-file.js';
import { defaultTrustedUids } from '../host/trusted-directory.js';
import type { OperatorFlags } from '../model.js';
import { FLAG_NAMES, flagFileText, flagPath, readFlagFiles, readFlagMeta, type FlagMeta, type FlagName } from './flag-files.js';
import { watchFlagDirectory, type FlagWatcher } from './flag-watcher.js';

export { FLAG_NAMES, type FlagMeta, type FlagName } from './flag-files.js';

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
  /** Re-read the files at least this often whatever the watcher says (ms; the reconcile period). */
  periodMs?: number;
  /** False: no watcher (one-shot tools, tests of the file format). Default true. */
  watch?: boolean;
  /** For set()'s default meta. */
  now?: () => number;
  /** Owners whose flag files count (default: root and our own uid). */
  trustedUids?: readonly number[];
}

const DIR_MODE = 0o750;
const FILE_MODE = 0o640;

/** The flags, cached, with durable set() and change notification. */
export class FlagStore {
  readonly stateDir: string;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly trustedUids: readonly number[];
  private flags: OperatorFlags = { drain: false, freeze: false };
  private readonly listeners = new Set<FlagListener>();
  private watcher: FlagWatcher | null = null;
  /** set() and refresh() run one after another: the file and the cache never disagree for long. */
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  /** Creates the state directory if needed, starts the watcher, reads both flags. */
  static async open(options: FlagStoreOptions): Promise<FlagStore> {
    const store = new FlagStore(options);
    await ensureDirectory(store.stateDir, store.log);
    if (options.watch !== false) {
      store.watcher = watchFlagDirectory({
        dir: store.stateDir,
        log: store.log,
        debounceMs: options.debounceMs ?? 100,
        periodMs: options.periodMs ?? 15_000,
        onChange: () => void store.refresh(),
      });
    }
    store.flags = await readFlagFiles(store.stateDir, null, store.trustedUids, store.log);
    store.log.info({ flags: store.flags, stateDir: store.stateDir }, 'operator flags read');
    return store;
  }

  private constructor(options: FlagStoreOptions) {
    this.stateDir = resolve(options.stateDir);
    this.log = options.log.child({ component: 'flags' });
    this.now = options.now ?? Date.now;
    this.trustedUids = options.trustedUids ?? defaultTrustedUids();
  }

  /** The flags as last read or set. Synchronous; never touches the disk. */
  get(): OperatorFlags {
    return { ...this.flags };
  }

  /** The path of a flag's file. */
  pathOf(flag: FlagName): string {
    return flagPath(this.stateDir, flag);
  }

  /** The JSON a flag file holds, or null when absent, empty or not our JSON shape. */
  meta(flag: FlagName): Promise<FlagMeta | null> {
    return readFlagMeta(this.pathOf(flag));
  }

  /**
   * Turns a flag on (writes its file durably, with meta as JSON) or off (removes it). Resolves
   * once the change is durable on disk; a failure leaves both the file and the cache as they were.
   */
  set(flag: FlagName, on: boolean, meta: FlagMeta = {}): Promise<OperatorFlags> {
    if (!FLAG_NAMES.includes(flag)) {
      return Promise.reject(new CarpFailoverError('INTERNAL', `unknown operator flag "${String(flag)}"`));
    }
    return this.serialized(async () => {
      if (this.closed) throw new CarpFailoverError('INTERNAL', 'the flag store is closed');
      const path = this.pathOf(flag);
      try {
        if (on) await writeDurably(path, flagFileText(flag, meta, this.now()), { mode: FILE_MODE });
        else await removeDurably(path);
      } catch (error) {
        throw new CarpFailoverError('STATE_UNREADABLE', `cannot ${on ? 'write' : 'remove'} the ${flag} flag file ${path}: ${(error as Error).message}`, {
          cause: error,
          details: { path, flag, on },
        });
      }
      this.log.info({ flag, on, path }, `operator flag ${flag} ${on ? 'set' : 'cleared'}`);
      this.update({ ...this.flags, [flag]: on }, 'set');
      return this.get();
    });
  }

  /** Re-reads both files now; notifies listeners of what changed. */
  refresh(): Promise<OperatorFlags> {
    return this.serialized(async () => {
      if (!this.closed) this.update(await readFlagFiles(this.stateDir, this.flags, this.trustedUids, this.log), 'file');
      return this.get();
    });
  }

  /** Calls listener after every change of a flag (one call per flag that changed). */
  onChange(listener: FlagListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves once every set() and refresh() queued so far has finished. */
  ready(): Promise<void> {
    return this.queue.then(() => undefined);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.watcher?.close();
    this.watcher = null;
    this.listeners.clear();
    await this.queue;
  }

  private serialized<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.queue.then(fn, fn);
    this.queue = result.catch(() => undefined);
    return result;
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
}

async function ensureDirectory(dir: string, log: Logger): Promise<void> {
  try {
    const created = await mkdir(dir, { recursive: true, mode: DIR_MODE });
    if (created !== undefined) {
      // mkdir's mode is filtered by the umask; the directory we made gets exactly 0750.
      await chmod(dir, DIR_MODE);
      log.info({ stateDir: dir }, 'created the state directory');
    }
  } catch (error) {
    throw new CarpFailoverError('STATE_UNREADABLE', `cannot create the state directory ${dir}: ${(error as Error).message}`, {
      cause: error,
      details: { path: dir },
    });
  }
}
