// Newline framing for the sockets, with a hard cap. Memory per connection is one buffer of
// maxBytes + 1, whatever the client sends: a line that outgrows it is reported once, the moment
// it does, and its remaining bytes are skipped up to the next newline without being kept. Bytes
// are copied out of each chunk, never sliced, so a held fragment cannot pin a 64 KiB chunk.
// UTF-8 is checked strictly (overlong forms and surrogates are errors, as with a fatal TextDecoder).
import { isUtf8 } from 'node:buffer';
import type { DropReason } from './service-api.js';

/** Why the framing dropped a line: a subset of the intake's DropReason. */
export type LineDropReason = Extract<DropReason, 'oversized' | 'not-utf8' | 'malformed'>;

export interface LineDrop {
  reason: LineDropReason;
  detail: string;
  /** First byte of the dropped line (-1 when unknown): lets a caller tell a JSON request. */
  firstByte: number;
}

export interface LineReaderOptions {
  /** Longest line accepted, excluding its "\n" and an optional "\r" before it. */
  maxBytes: number;
  onLine(line: string): void;
  onDrop(drop: LineDrop): void;
}

const NEWLINE = 0x0a;
const CR = 0x0d;

/** Splits a byte stream into UTF-8 lines; push() every chunk, end() at close. */
export class LineReader {
  private readonly buffer: Buffer;
  private length = 0;
  /** Inside a line already reported as oversized: skip up to its newline. */
  private skipping = false;

  constructor(private readonly options: LineReaderOptions) {
    // One spare byte so that a maximal line followed by "\r" still fits before "\n" arrives.
    this.buffer = Buffer.allocUnsafe(options.maxBytes + 1);
  }

  push(chunk: Uint8Array): void {
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(NEWLINE, start);
      const end = newline < 0 ? chunk.length : newline;
      if (this.skipping) {
        if (newline >= 0) this.skipping = false;
      } else if (this.length + (end - start) > this.buffer.length) {
        this.report('oversized', `line longer than ${this.options.maxBytes} bytes`, this.length > 0 ? this.buffer[0]! : chunk[start]!);
        this.length = 0;
        this.skipping = newline < 0;
      } else {
        this.buffer.set(chunk.subarray(start, end), this.length);
        this.length += end - start;
        if (newline >= 0) this.complete();
      }
      if (newline < 0) return;
      start = newline + 1;
    }
  }

  /** The peer closed: a line without its newline is dropped (and said), never guessed at. */
  end(): void {
    if (this.length > 0) this.report('malformed', `incomplete line at close (${this.length} bytes, no newline)`, this.buffer[0]!);
    this.length = 0;
    this.skipping = false;
  }

  private complete(): void {
    let size = this.length;
    this.length = 0;
    if (size > 0 && this.buffer[size - 1] === CR) size--;
    const first = size > 0 ? this.buffer[0]! : -1;
    if (size > this.options.maxBytes) return this.report('oversized', `line longer than ${this.options.maxBytes} bytes`, first);
    // isUtf8 rather than a fatal TextDecoder: same verdict, but no exception per bad line (an
    // exception costs microseconds, and a flood of 3-byte bad lines is 350,000 of them per MiB).
    const bytes = this.buffer.subarray(0, size);
    if (!isUtf8(bytes)) return this.report('not-utf8', 'line is not valid UTF-8', first);
    this.options.onLine(bytes.toString('utf8'));
  }

  private report(reason: LineDropReason, detail: string, firstByte: number): void {
    this.options.onDrop({ reason, detail, firstByte });
  }
}
