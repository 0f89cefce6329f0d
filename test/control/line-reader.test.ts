import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineReader, type LineDrop } from '../../src/control/line-reader.js';

function reader(maxBytes = 16) {
  const lines: string[] = [];
  const drops: LineDrop[] = [];
  const r = new LineReader({ maxBytes, onLine: (l) => lines.push(l), onDrop: (d) => drops.push(d) });
  return { r, lines, drops };
}

describe('LineReader', () => {
  it('splits lines across and within chunks', () => {
    const { r, lines, drops } = reader();
    r.push(Buffer.from('ab'));
    r.push(Buffer.from('c\nde\n'));
    r.push(Buffer.from('f'));
    r.push(Buffer.from('\n\n'));
    r.end();
    expect(lines).toEqual(['abc', 'de', 'f', '']);
    expect(drops).toEqual([]);
  });

  it('tolerates CRLF and keeps a lone CR inside a line', () => {
    const { r, lines } = reader();
    r.push(Buffer.from('one\r\ntw\ro\r'));
    r.push(Buffer.from('\n'));
    expect(lines).toEqual(['one', 'tw\ro']);
  });

  it('accepts a line of exactly maxBytes, with or without CR, and drops maxBytes + 1', () => {
    const { r, lines, drops } = reader(4);
    r.push(Buffer.from('abcd\nabcd\r\nabcde\nok\n'));
    expect(lines).toEqual(['abcd', 'abcd', 'ok']);
    expect(drops.map((d) => d.reason)).toEqual(['oversized']);
  });

  it('reports an oversized line once, as soon as it outgrows the cap, and skips it to its newline', () => {
    const { r, lines, drops } = reader(8);
    r.push(Buffer.from('{'.padEnd(10, 'x')));
    expect(drops).toEqual([{ reason: 'oversized', detail: 'line longer than 8 bytes', firstByte: 0x7b }]);
    for (let i = 0; i < 1000; i++) r.push(Buffer.alloc(1024, 0x61));
    r.push(Buffer.from('tail\nnext\n'));
    r.end();
    expect(drops).toHaveLength(1);
    expect(lines).toEqual(['next']);
  });

  it('drops a 1 MiB line without keeping it: memory is the fixed buffer', () => {
    const { r, lines, drops } = reader(1024);
    const before = process.memoryUsage().arrayBuffers;
    r.push(Buffer.concat([Buffer.alloc(1 << 20, 0x41), Buffer.from('\nafter\n')]));
    expect(drops.map((d) => d.reason)).toEqual(['oversized']);
    expect(lines).toEqual(['after']);
    // The reader's own storage is one maxBytes + 1 buffer, whatever the input size.
    expect((r as unknown as { buffer: Buffer }).buffer.length).toBe(1025);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(4 << 20); // the 1 MiB input itself
  });

  it('drops non-UTF-8 lines (and overlong encodings) and goes on', () => {
    const { r, lines, drops } = reader();
    r.push(Buffer.from([0xff, 0xfe, 0x0a]));
    r.push(Buffer.from([0xc0, 0xaf, 0x0a])); // overlong "/"
    r.push(Buffer.from([0x61, 0xe2, 0x82, 0x0a])); // truncated "€"
    r.push(Buffer.from('é€\n'));
    expect(drops.map((d) => d.reason)).toEqual(['not-utf8', 'not-utf8', 'not-utf8']);
    expect(drops[0]!.firstByte).toBe(0xff);
    expect(lines).toEqual(['é€']);
  });

  it('drops and reports a half line at close, once', () => {
    const { r, lines, drops } = reader();
    r.push(Buffer.from('done\nhalf'));
    r.end();
    r.end();
    expect(lines).toEqual(['done']);
    expect(drops).toEqual([{ reason: 'malformed', detail: 'incomplete line at close (4 bytes, no newline)', firstByte: 0x68 }]);
  });

  it('does not report again at close when the unfinished line was already oversized', () => {
    const { r, drops } = reader(4);
    r.push(Buffer.from('abcdefgh'));
    r.end();
    expect(drops.map((d) => d.reason)).toEqual(['oversized']);
  });

  it('gives the same lines and drops however the bytes are chunked', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom('a', 'é', '\n', '\r', '{', 'xxxxxxxx'), fc.constant('\xff')), { maxLength: 60 }),
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 20 }),
        (parts, cuts) => {
          const bytes = Buffer.concat(parts.map((p) => (p === '\xff' ? Buffer.from([0xff]) : Buffer.from(p))));
          const whole = reader(10);
          whole.r.push(bytes);
          whole.r.end();
          const split = reader(10);
          let at = 0;
          for (let i = 0; at < bytes.length; i++) {
            const size = cuts[i % cuts.length]!;
            split.r.push(bytes.subarray(at, at + size));
            at += size;
          }
          split.r.end();
          expect(split.lines).toEqual(whole.lines);
          expect(split.drops).toEqual(whole.drops);
        },
      ),
      { numRuns: 500 },
    );
  });
});
