// Notices flag files created or removed by hand (Ansible, Salt, a `touch`). node:fs watch on the
// directory is enough for two names in one flat directory (inotify on Linux, kqueue on FreeBSD,
// where a directory event carries no file name: we re-read both files either way), so no watcher
// library is needed. Watchers can miss events (a full inotify queue, a directory replaced), so a
// periodic re-read at the reconcile period catches whatever the watcher missed.
import { watch, type FSWatcher } from 'node:fs';
import type { Logger } from 'pino';

export interface FlagWatcherOptions {
  dir: string;
  /** Called after a quiet time following file events, and on every period. */
  onChange: () => void;
  log: Logger;
  /** Quiet time before a burst of events is acted on (ms). */
  debounceMs: number;
  /** Re-read at least this often, events or not (ms). */
  periodMs: number;
}

/** A running watcher; close() stops it and its timers. */
export interface FlagWatcher {
  close(): void;
}

/** Starts watching; a directory that cannot be watched still gets the periodic re-read. */
export function watchFlagDirectory(options: FlagWatcherOptions): FlagWatcher {
  const { log } = options;
  let debounce: NodeJS.Timeout | null = null;
  const schedule = (): void => {
    if (debounce) clearTimeout(debounce);
    debounce = setTimeout(() => {
      debounce = null;
      options.onChange();
    }, options.debounceMs);
    debounce.unref();
  };
  let watcher: FSWatcher | null = null;
  try {
    watcher = watch(options.dir, { persistent: false }, schedule);
    watcher.on('error', (error) => log.error({ err: error, stateDir: options.dir }, 'the operator flag watcher failed; the periodic re-read goes on'));
  } catch (error) {
    log.error({ err: error, stateDir: options.dir }, 'cannot watch the state directory; flag files changed by hand are seen at the next periodic re-read');
  }
  const period = setInterval(options.onChange, options.periodMs);
  period.unref();
  return {
    close() {
      if (debounce) clearTimeout(debounce);
      clearInterval(period);
      watcher?.close();
    },
  };
}
