import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { forEachLine } from '../../src/status/journal-lines.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cfe-lines-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function lines(content: string | Buffer, max?: number): Promise<string[]> {
  const file = join(dir, 'j');
  writeFileSync(file, content);
  const out: string[] = [];
  await forEachLine(file, (l) => out.push(l), max);
  return out;
}

describe('forEachLine', () => {
  it('splits lines, keeps a last line without newline, and handles an empty file', async () => {
    expect(await lines('a\nbb\n\nccc')).toEqual(['a', 'bb', '', 'ccc']);
    expect(await lines('')).toEqual([]);
    expect(await lines('\n')).toEqual(['']);
  });

  it('joins lines that cross read-chunk boundaries (64 KiB)', async () => {
    const long = 'x'.repeat(50_000);
    const content = Array.from({ length: 6 }, (_, i) => `${i}${long}`).join('\n') + '\n';
    const got = await lines(content, 100_000);
    expect(got.map((l) => l.length)).toEqual(Array(6).fill(50_001));
    expect(got.map((l) => l[0])).toEqual(['0', '1', '2', '3', '4', '5']);
  });

  it('skips overlong lines whole and goes on after them', async () => {
    const content = `ok1\n${'g'.repeat(300_000)}\nok2\n${'h'.repeat(200)}\nok3`;
    expect(await lines(content, 100)).toEqual(['ok1', 'ok2', 'ok3']);
  });

  it('skips a megabytes-long last line with no newline (a damaged file) without holding it', async () => {
    expect(await lines(Buffer.concat([Buffer.from('first\n'), Buffer.alloc(5 * 1024 * 1024, 0x41)]), 1024)).toEqual(['first']);
  });

  it('keeps multi-byte UTF-8 characters split across chunks intact', async () => {
    const line = 'é'.repeat(40_000); // 80,000 bytes: crosses a 64 KiB chunk boundary mid-character
    expect(await lines(`${line}\nend\n`, 100_000)).toEqual([line, 'end']);
  });
});
