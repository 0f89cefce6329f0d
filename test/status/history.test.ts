import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTimelines, HISTORY_LIMITS, MAX_STEPS_PER_TIMELINE, parseJournal, readTimelines } from '../../src/status/history.js';
import { Journal, JOURNAL_FILE, type JournalEntry } from '../../src/status/journal.js';
import { captureLogger } from '../fakes/logger.js';

const T0 = Date.UTC(2026, 10, 25, 8, 0, 0);
const at = (ms: number) => new Date(T0 + ms).toISOString();
const vhids = [{ vhid: 1, interface: 'vmx0', state: 'MASTER' as const }];
const transition = (ms: number, from = 'BACKUP', to = 'MASTER'): JournalEntry => ({ t: at(ms), type: 'transition', from, to, vhids }) as JournalEntry;
const step = (ms: number, resource: string, name: string, outcome: 'ok' | 'error' | 'skipped' = 'ok'): JournalEntry => ({
  t: at(ms),
  type: 'step',
  reconcileId: 'r1',
  resource,
  step: name,
  outcome,
  durationMs: 5,
  ...(outcome === 'error' ? { error: { code: 'COMMAND_FAILED', message: 'ifconfig: exit 1' } } : {}),
});
const converged = (ms: number): JournalEntry => ({ t: at(ms), type: 'converged', reconcileId: 'r1', afterMs: ms });
const jsonl = (entries: JournalEntry[]) => entries.map((e) => JSON.stringify(e)).join('\n') + '\n';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cfe-history-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('buildTimelines', () => {
  it('gives each step its offset from the transition, and convergedAfterMs = the last ok step', () => {
    const timelines = buildTimelines(
      [transition(0), step(12, 'gre:gre0', 'ifconfig gre0 up'), step(40, 'ospf:gre0', 'ip ospf cost 10'), step(3050, 'ovh:192.0.2.10/32', 'POST /ip/move'), converged(3100)],
      10,
    );
    expect(timelines).toEqual([
      {
        at: at(0),
        from: 'BACKUP',
        to: 'MASTER',
        vhids,
        steps: [
          { offsetMs: 12, at: at(12), resource: 'gre:gre0', step: 'ifconfig gre0 up', outcome: 'ok', durationMs: 5 },
          { offsetMs: 40, at: at(40), resource: 'ospf:gre0', step: 'ip ospf cost 10', outcome: 'ok', durationMs: 5 },
          { offsetMs: 3050, at: at(3050), resource: 'ovh:192.0.2.10/32', step: 'POST /ip/move', outcome: 'ok', durationMs: 5 },
        ],
        convergedAfterMs: 3050,
      },
    ]);
  });

  it('leaves convergedAfterMs null until convergence, keeps errors, 0 when nothing had to change', () => {
    const [a, b] = buildTimelines([transition(0), step(5, 'gre:gre0', 'ifconfig gre0 up', 'error'), transition(10_000, 'MASTER', 'BACKUP'), converged(10_300)], 10);
    expect(a!.convergedAfterMs).toBeNull();
    expect(a!.steps[0]).toMatchObject({ outcome: 'error', error: { code: 'COMMAND_FAILED', message: 'ifconfig: exit 1' } });
    expect(b).toMatchObject({ from: 'MASTER', to: 'BACKUP', steps: [], convergedAfterMs: 0 });
  });

  it('answers the `limit` most recent, newest last; drops steps whose transition was rotated away', () => {
    const entries = [step(1, 'gre:gre0', 'orphan'), ...Array.from({ length: 30 }, (_, i) => transition(i * 1000, i % 2 ? 'MASTER' : 'BACKUP', i % 2 ? 'BACKUP' : 'MASTER'))];
    const timelines = buildTimelines(entries, 3);
    expect(timelines.map((t) => t.at)).toEqual([at(27_000), at(28_000), at(29_000)]);
    expect(buildTimelines(entries, 0)).toHaveLength(HISTORY_LIMITS.default); // unusable limit → the default
    expect(buildTimelines(entries, Number.NaN)).toHaveLength(HISTORY_LIMITS.default);
    expect(buildTimelines([step(1, 'gre:gre0', 'orphan')], 5)).toEqual([]);
  });

  it('caps the steps of one timeline', () => {
    const entries = [transition(0), ...Array.from({ length: MAX_STEPS_PER_TIMELINE + 100 }, (_, i) => step(i + 1, 'ovh:x', 'reclaim'))];
    expect(buildTimelines(entries, 1)[0]!.steps).toHaveLength(MAX_STEPS_PER_TIMELINE);
  });
});

describe('parseJournal', () => {
  it('skips a torn last line, garbage and entries of the wrong shape', () => {
    const good = jsonl([transition(0), step(10, 'gre:gre0', 'up')]);
    const text = [
      good,
      'not json at all',
      '\u0000\u0001binary',
      '[1,2,3]',
      'null',
      JSON.stringify({ t: 'yesterday', type: 'step', reconcileId: 'r', resource: 'x', step: 'y', outcome: 'ok', durationMs: 1 }),
      JSON.stringify({ t: at(1), type: 'step', reconcileId: 'r', resource: 'x', step: 'y', outcome: 'maybe', durationMs: 1 }),
      JSON.stringify({ t: at(1), type: 'transition', from: 'LEADER', to: 'MASTER', vhids: [] }),
      JSON.stringify({ t: at(1), type: 'unknown' }),
      JSON.stringify({ t: at(1), type: 'step', reconcileId: 'r', resource: 'x', step: 'y', outcome: 'ok', durationMs: '5' }),
      '{"t":"2026-11-25T08:00:01.000Z","type":"step","reconcileId":"r","resou',
    ].join('\n');
    const entries = parseJournal(text);
    expect(entries.map((e) => e.type)).toEqual(['transition', 'step']);
  });

  it('keeps only well-formed vhids and ignores extra keys (no prototype tricks)', () => {
    const line = JSON.stringify({ t: at(0), type: 'transition', from: 'INIT', to: 'BACKUP', vhids: [{ vhid: 1, interface: 'vmx0', state: 'BACKUP' }, { vhid: 'x' }, null], __proto__: { polluted: true } });
    const [entry] = parseJournal(line + '\n{"__proto__":{"polluted":1},"t":"' + at(1) + '","type":"converged","reconcileId":"r","afterMs":1}');
    expect(entry).toEqual({ t: at(0), type: 'transition', from: 'INIT', to: 'BACKUP', vhids: [{ vhid: 1, interface: 'vmx0', state: 'BACKUP' }] });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('parses a large journal of garbage without throwing', () => {
    const garbage = Array.from({ length: 20_000 }, (_, i) => (i % 3 ? '{"t":' : 'x'.repeat(i % 500))).join('\n');
    expect(parseJournal(garbage)).toEqual([]);
  });
});

describe('readTimelines', () => {
  it('reads rotated files oldest first, then the current one', async () => {
    const path = join(dir, JOURNAL_FILE);
    writeFileSync(`${path}.2`, jsonl([transition(0), step(10, 'gre:gre0', 'up')]));
    writeFileSync(`${path}.1`, jsonl([step(20, 'ospf:gre0', 'cost 10'), converged(25), transition(5000, 'MASTER', 'BACKUP')]));
    writeFileSync(path, jsonl([step(5100, 'ospf:gre0', 'cost 100')]) + '{"t":"torn');
    writeFileSync(join(dir, `${JOURNAL_FILE}.bak`), jsonl([transition(99_999)])); // not ours: ignored
    const timelines = await readTimelines(path, 10);
    expect(timelines.map((t) => [t.to, t.steps.map((s) => [s.step, s.offsetMs]), t.convergedAfterMs])).toEqual([
      ['MASTER', [['up', 10], ['cost 10', 20]], 20],
      ['BACKUP', [['cost 100', 100]], null],
    ]);
  });

  it('answers [] when there is no journal yet', async () => {
    expect(await readTimelines(join(dir, 'missing', JOURNAL_FILE), 10)).toEqual([]);
  });

  it('round-trips through a rotating Journal', async () => {
    const path = join(dir, JOURNAL_FILE);
    const journal = new Journal({ path, maxBytes: 4096, keep: 3, log: captureLogger().log });
    for (let k = 0; k < 20; k++) {
      journal.append(transition(k * 10_000, k % 2 ? 'MASTER' : 'BACKUP', k % 2 ? 'BACKUP' : 'MASTER'));
      for (let i = 1; i <= 5; i++) journal.append(step(k * 10_000 + i * 100, 'gre:gre0', `step ${i}`));
      journal.append(converged(k * 10_000 + 600));
    }
    const timelines = await journal.history(5);
    expect(timelines).toHaveLength(5);
    expect(timelines.at(-1)!.at).toBe(at(190_000));
    for (const t of timelines) {
      expect(t.steps.map((s) => s.offsetMs)).toEqual([100, 200, 300, 400, 500]);
      expect(t.convergedAfterMs).toBe(500);
    }
  });
});

describe('readTimelines on damaged files', () => {
  it('skips an overlong garbage line and binary junk between valid entries', async () => {
    const path = join(dir, JOURNAL_FILE);
    const good = (entries: JournalEntry[]) => jsonl(entries);
    writeFileSync(path, Buffer.concat([Buffer.from(good([transition(0)])), Buffer.alloc(200_000, 0x7b), Buffer.from('\n'), Buffer.from([0xff, 0xfe, 0x00, 0x0a]), Buffer.from(good([step(10, 'gre:gre0', 'up'), converged(11)]))]));
    const [timeline] = await readTimelines(path, 5);
    expect(timeline!.steps.map((s) => s.step)).toEqual(['up']);
    expect(timeline!.convergedAfterMs).toBe(10);
  });

  it('keeps only `limit` timelines in memory while reading a long journal', async () => {
    const path = join(dir, JOURNAL_FILE);
    writeFileSync(path, jsonl(Array.from({ length: 5000 }, (_, i) => transition(i))));
    const timelines = await readTimelines(path, 2);
    expect(timelines.map((t) => t.at)).toEqual([at(4998), at(4999)]);
  });
});

// Issue 14 item 8: history reads a bounded tail, whatever the journal's size, and concurrent
// callers share reads; the journal is never written or read through a planted link.
describe('history cost', () => {
  it('reads only the newest budget bytes, across the rotation boundary, starting at a whole line', async () => {
    const path = join(dir, JOURNAL_FILE);
    writeFileSync(`${path}.1`, jsonl(Array.from({ length: 2000 }, (_, i) => transition(i))));
    writeFileSync(path, jsonl(Array.from({ length: 10 }, (_, i) => transition(10_000 + i))));
    const line = jsonl([transition(10_000)]).length;
    // 15 lines' worth (plus a few bytes, so the window starts mid-line): the 10 current and 4 whole older ones.
    const timelines = await readTimelines(path, 1000, line * 15 - 3);
    expect(timelines.map((t) => t.at)).toEqual([...[1996, 1997, 1998, 1999].map(at), ...Array.from({ length: 10 }, (_, i) => at(10_000 + i))]);
  });

  it('a 57 MB journal costs history what the tail costs: one bounded read', async () => {
    const path = join(dir, JOURNAL_FILE);
    const block = jsonl(Array.from({ length: 1000 }, (_, i) => transition(i)));
    writeFileSync(path, block.repeat(Math.ceil((57 << 20) / block.length)));
    const started = performance.now();
    const timelines = await readTimelines(path, 20);
    const ms = performance.now() - started;
    expect(timelines).toHaveLength(20);
    expect(timelines.at(-1)!.at).toBe(at(999));
    // A whole read of 57 MB takes seconds here; the tail, tens of ms even on a loaded machine.
    expect(ms).toBeLessThan(1000);
  });

  it('concurrent callers share reads: 31 at once cost at most two', async () => {
    const path = join(dir, JOURNAL_FILE);
    let reads = 0;
    const counting: typeof readTimelines = (...args) => {
      reads++;
      return readTimelines(...args);
    };
    const journal = new Journal({ path, maxBytes: 1 << 20, keep: 1, log: captureLogger().log, read: counting });
    journal.append(transition(0));
    const answers = await Promise.all(Array.from({ length: 31 }, (_, i) => journal.history(1 + (i % 3))));
    expect(answers.every((a) => a.length === 1 && a[0]!.at === at(0))).toBe(true);
    expect(reads).toBeGreaterThanOrEqual(1);
    expect(reads).toBeLessThanOrEqual(2);
    // One arriving after an append sees it: it waits for a read that starts after its call.
    journal.append(transition(1000, 'MASTER', 'BACKUP'));
    expect((await journal.history(5)).map((t) => t.at)).toEqual([at(0), at(1000)]);
  });

  it('never appends through a link planted where the journal should be', async () => {
    const path = join(dir, JOURNAL_FILE);
    const victim = join(dir, 'victim');
    writeFileSync(victim, 'precious\n');
    symlinkSync(victim, path);
    const logger = captureLogger();
    const journal = new Journal({ path, maxBytes: 1 << 20, keep: 1, log: logger.log });
    journal.append(transition(0));
    await journal.flush();
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    expect(journal.writeErrors).toBe(1);
    await expect(readTimelines(path, 5)).rejects.toMatchObject({ code: 'ELOOP' });
  });
});
