import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Journal, JOURNAL_FILE, type JournalEntry } from '../../src/status/journal.js';
import { captureLogger } from '../fakes/logger.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cfe-journal-'));
});
afterEach(() => {
  chmodSync(dir, 0o700);
  rmSync(dir, { recursive: true, force: true });
});

const step = (i: number, extra: Partial<JournalEntry> = {}): JournalEntry =>
  ({ t: new Date(Date.UTC(2026, 10, 25, 8, 0, 0) + i).toISOString(), type: 'step', reconcileId: 'abcd0123', resource: 'gre:gre0', step: `ifconfig gre0 up #${i}`, outcome: 'ok', durationMs: 3, ...extra }) as JournalEntry;

const lines = (path: string) => readFileSync(path, 'utf8').split('\n').filter(Boolean);

describe('Journal', () => {
  it('appends one JSON line per entry, in order, creating the state directory', async () => {
    const path = join(dir, 'state', JOURNAL_FILE);
    const journal = new Journal({ path, maxBytes: 1 << 20, keep: 3, log: captureLogger().log });
    journal.append({ t: '2026-11-25T08:00:00.000Z', type: 'transition', from: 'BACKUP', to: 'MASTER', vhids: [{ vhid: 1, interface: 'vmx0', state: 'MASTER' }] });
    for (let i = 0; i < 50; i++) journal.append(step(i));
    await journal.flush();
    const got = lines(path).map((l) => JSON.parse(l) as JournalEntry);
    expect(got).toHaveLength(51);
    expect(got[0]).toMatchObject({ type: 'transition', from: 'BACKUP', to: 'MASTER' });
    expect(got.slice(1).map((e) => (e as { step: string }).step)).toEqual(Array.from({ length: 50 }, (_, i) => `ifconfig gre0 up #${i}`));
  });

  it('rotates at max_bytes and keeps `keep` rotated files, newest in .1', async () => {
    const path = join(dir, JOURNAL_FILE);
    const journal = new Journal({ path, maxBytes: 4096, keep: 2, log: captureLogger().log });
    for (let i = 0; i < 200; i++) journal.append(step(i));
    await journal.flush();
    expect(existsSync(`${path}.1`)).toBe(true);
    expect(existsSync(`${path}.2`)).toBe(true);
    expect(existsSync(`${path}.3`)).toBe(false);
    for (const file of [path, `${path}.1`, `${path}.2`]) expect(readFileSync(file).length).toBeLessThanOrEqual(4096);
    const last = (file: string) => JSON.parse(lines(file).at(-1)!) as { step: string };
    const first = (file: string) => JSON.parse(lines(file)[0]!) as { step: string };
    expect(last(path).step).toBe('ifconfig gre0 up #199');
    // Contiguous across files: .2 ends right before .1 starts, .1 right before the current one.
    const num = (s: string) => Number(s.split('#')[1]);
    expect(num(first(`${path}.1`).step)).toBe(num(last(`${path}.2`).step) + 1);
    expect(num(first(path).step)).toBe(num(last(`${path}.1`).step) + 1);
  });

  it('continues the size count of an existing file after a restart', async () => {
    const path = join(dir, JOURNAL_FILE);
    writeFileSync(path, 'x'.repeat(4000) + '\n');
    const journal = new Journal({ path, maxBytes: 4096, keep: 1, log: captureLogger().log });
    journal.append(step(1));
    await journal.flush();
    expect(readFileSync(`${path}.1`, 'utf8')).toBe('x'.repeat(4000) + '\n');
    expect(lines(path)).toHaveLength(1);
  });

  it('a failed write is logged and counted, never thrown, and later writes still work', async () => {
    const path = join(dir, 'ro', JOURNAL_FILE);
    const captured = captureLogger();
    const journal = new Journal({ path, maxBytes: 1 << 20, keep: 1, log: captured.log });
    writeFileSync(join(dir, 'ro'), 'a file where the directory should be');
    journal.append(step(1));
    journal.append(step(2));
    await journal.flush();
    expect(journal.writeErrors).toBe(2);
    expect(captured.lines.filter((l) => l.msg === 'journal write failed; the entry is lost')).toHaveLength(2);
    rmSync(join(dir, 'ro'));
    journal.append(step(3));
    await journal.flush();
    expect(journal.writeErrors).toBe(2);
    expect(lines(path)).toHaveLength(1);
  });

  it('bounds a huge error message so one line stays small', async () => {
    const path = join(dir, JOURNAL_FILE);
    const journal = new Journal({ path, maxBytes: 1 << 20, keep: 1, log: captureLogger().log });
    journal.append(step(1, { outcome: 'error', error: { code: 'COMMAND_FAILED', message: 'e'.repeat(100_000) } } as Partial<JournalEntry>));
    await journal.flush();
    expect(readFileSync(path).length).toBeLessThan(1000);
  });

  it('serializes writes from many callers (no interleaved lines)', async () => {
    const path = join(dir, JOURNAL_FILE);
    const journal = new Journal({ path, maxBytes: 1 << 20, keep: 1, log: captureLogger().log });
    await Promise.all(Array.from({ length: 20 }, async (_, k) => {
      for (let i = 0; i < 20; i++) journal.append(step(k * 100 + i, { resource: `r${k}`, step: 'x'.repeat(200) } as Partial<JournalEntry>));
    }));
    await journal.flush();
    const got = lines(path);
    expect(got).toHaveLength(400);
    for (const line of got) expect(() => JSON.parse(line)).not.toThrow();
  });
});
