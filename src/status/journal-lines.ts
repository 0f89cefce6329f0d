// Reads a journal file line by line without holding it whole: a journal may be large (max_bytes
// goes up to 1 GiB) or damaged (no newline for megabytes), and `history` must stay cheap.
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

/** Lines longer than this are garbage by construction (entries are bounded) and are skipped. */
export const MAX_JOURNAL_LINE_BYTES = 64 * 1024;

/**
 * Calls onLine for each complete line of the file from byte `start` on (a line cut by `start` is
 * skipped); overlong lines are skipped whole. Never follows a symbolic link.
 */
export async function forEachLine(path: string, onLine: (line: string) => void, maxLineBytes = MAX_JOURNAL_LINE_BYTES, start = 0): Promise<void> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  // From the byte before `start`: if it is a newline, the line at `start` is whole.
  let skipping = start > 0;
  const emit = (buf: Buffer) => {
    if (!skipping) onLine(buf.toString('utf8'));
  };
  const file = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  const stream = file.createReadStream({ highWaterMark: 64 * 1024, start: Math.max(0, start - 1) }); // closes the file at its end
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let from = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, from);
      if (nl === -1) break;
      const piece = chunk.subarray(from, nl);
      if (!skipping && pendingBytes + piece.length <= maxLineBytes) emit(pending.length ? Buffer.concat([...pending, piece]) : piece);
      pending = [];
      pendingBytes = 0;
      skipping = false;
      from = nl + 1;
    }
    const rest = chunk.subarray(from);
    if (skipping || rest.length === 0) continue;
    if (pendingBytes + rest.length > maxLineBytes) {
      // Too long to be an entry: drop what we hold and ignore the rest of this line.
      pending = [];
      pendingBytes = 0;
      skipping = true;
    } else {
      pending.push(Buffer.from(rest));
      pendingBytes += rest.length;
    }
  }
  // A last line without a newline is torn (a crash mid-write) unless it parses; let the caller try.
  if (!skipping && pendingBytes > 0) emit(Buffer.concat(pending));
}
