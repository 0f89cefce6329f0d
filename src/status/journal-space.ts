// The journal shares the state filesystem with what must never fail for lack of space: the
// demotion record and the flag files. So the journal keeps JOURNAL_RESERVE_BYTES free for them
// (an entry that would eat into it is dropped and counted, never written), and its configured
// maximum (max_bytes × (keep + 1)) is checked against the free space at start.
import { lstat, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { CarpFailoverError } from '../errors.js';
import { journalFiles } from './history.js';

/** Free space the journal never uses: the demotion record and flag files need a few blocks. */
export const JOURNAL_RESERVE_BYTES = 1 << 20;

/** Bytes an unprivileged writer may still use on the filesystem holding `dir`. */
export async function freeBytes(dir: string): Promise<number> {
  const fs = await statfs(dir);
  return fs.bavail * fs.bsize;
}

/**
 * Throws CONFIG_INVALID when the journal at its configured maximum would not fit in the state
 * filesystem's free space (counting what the journal already occupies) plus the reserve.
 */
export async function checkJournalSpace(stateDir: string, journalFile: string, maxBytes: number, keep: number): Promise<void> {
  const budget = maxBytes * (keep + 1);
  let used = 0;
  for (const file of await journalFiles(join(stateDir, journalFile))) used += (await lstat(file)).size;
  const free = await freeBytes(stateDir);
  if (budget - used + JOURNAL_RESERVE_BYTES > free) {
    throw new CarpFailoverError(
      'CONFIG_INVALID',
      `journal: max_bytes ${maxBytes} × (keep ${keep} + 1) = ${budget} bytes does not fit on the state filesystem of ${stateDir}: ${free} bytes free, ${used} used by the journal, ${JOURNAL_RESERVE_BYTES} kept for the demotion record and flags; lower journal.max_bytes or journal.keep, or free space`,
      { details: { stateDir, maxBytes, keep, budget, free, used, reserve: JOURNAL_RESERVE_BYTES } },
    );
  }
}
