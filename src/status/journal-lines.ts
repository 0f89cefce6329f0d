// Reads a journal file line by line without holding it whole: a journal may be large (max_bytes
// goes up to 1 GiB) or damaged (no newline for megabytes), and `history` must stay cheap.
import { createReadStream } from 'node:fs';

/** Lines longer than this are garbage by construction (entries are bounded) and are skipped. */
export const MAX_JOURNAL_LINE_BYTES = 64 * 1024;

/** Calls onLine for each complete line of the file; overlong lines are skipped whole. */
export async function forEachLine(path: string, onLine: (line: string) => void, maxLineBytes = MAX_JOURNAL_LINE_BYTES): Promise<void> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let skipping = false;
  const emit = (buf: Buffer) => {
    if (!skipping) onLine(buf.toString('utf8'));
  };
  for await (const chunk of createReadStream(path, { highWaterMark: 64 * 1024 }) as AsyncIterable<Buffer>) {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      if (nl === -1) break;
      const piece = chunk.subarray(start, nl);
      if (!skipping && pendingBytes + piece.length <= maxLineBytes) emit(pending.length ? Buffer.concat([...pending, piece]) : piece);
      pending = [];
      pendingBytes = 0;
      skipping = false;
      start = nl + 1;
    }
    const rest = chunk.subarray(start);
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
