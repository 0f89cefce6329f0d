import { chownSync, lstatSync, mkdtempSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync, readdirSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FlagStore, type FlagChange } from '../../src/flags/store.js';
import { captureLogger } from '../fakes/logger.js';

let root: string;
const stores: FlagStore[] = [];

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'cf-flags-'));
});

afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
  rmSync(root, { recursive: true, force: true });
});

async function open(stateDir = root, options: { watch?: boolean; debounceMs?: number; periodMs?: number } = {}) {
  const logger = captureLogger();
  const store = await FlagStore.open({ stateDir, log: logger.log, debounceMs: options.debounceMs ?? 20, periodMs: options.periodMs, watch: options.watch ?? true });
  stores.push(store);
  return { store, logger };
}

/** Waits until predicate holds, polling; fails after timeoutMs. */
async function eventually(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('FlagStore', () => {
  it('starts with both flags off in an empty directory', async () => {
    const { store } = await open(root, { watch: false });
    expect(store.get()).toEqual({ drain: false, freeze: false });
  });

  it('set() writes the flag file with who/when/why, get() answers from the cache, off removes it', async () => {
    const { store } = await open(root, { watch: false });
    const changes: FlagChange[] = [];
    store.onChange((c) => changes.push(c));
    await store.set('drain', true, { who: 'alice', why: 'freebsd-update 14.3' });
    expect(store.get()).toEqual({ drain: true, freeze: false });
    const contents = JSON.parse(readFileSync(join(root, 'drain'), 'utf8'));
    expect(contents).toMatchObject({ flag: 'drain', who: 'alice', why: 'freebsd-update 14.3' });
    expect(Date.parse(contents.when)).not.toBeNaN();
    expect(await store.meta('drain')).toMatchObject({ who: 'alice', why: 'freebsd-update 14.3' });
    // no temp file left behind
    expect(readdirSync(root)).toEqual(['drain']);
    await store.set('freeze', true);
    await store.set('drain', false);
    expect(store.get()).toEqual({ drain: false, freeze: true });
    expect(readdirSync(root)).toEqual(['freeze']);
    expect(changes.map((c) => `${c.flag}=${c.on}/${c.source}`)).toEqual(['drain=true/set', 'freeze=true/set', 'drain=false/set']);
    // setting what is already set changes nothing and notifies nobody
    await store.set('freeze', true);
    await store.set('drain', false);
    expect(changes).toHaveLength(3);
  });

  it('persists across a new instance (a restart or a reboot)', async () => {
    const first = (await open(root, { watch: false })).store;
    await first.set('drain', true);
    await first.set('freeze', true);
    await first.close();
    const second = (await open(root, { watch: false })).store;
    // Synchronous, right after open(): the daemon re-applies drain before the first reconcile.
    expect(second.get()).toEqual({ drain: true, freeze: true });
  });

  it('sees flag files created and removed from outside (configuration management)', async () => {
    const { store, logger } = await open();
    await store.ready();
    const changes: FlagChange[] = [];
    store.onChange((c) => changes.push(c));

    writeFileSync(join(root, 'drain'), '');
    await eventually(() => store.get().drain);
    expect(changes).toEqual([{ flag: 'drain', on: true, source: 'file', flags: { drain: true, freeze: false } }]);

    writeFileSync(join(root, 'freeze'), '{"who":"ansible"}');
    await eventually(() => store.get().freeze);
    expect(await store.meta('freeze')).toEqual({ who: 'ansible' });

    rmSync(join(root, 'drain'));
    await eventually(() => !store.get().drain);
    expect(changes.map((c) => `${c.flag}=${c.on}/${c.source}`)).toEqual(['drain=true/file', 'freeze=true/file', 'drain=false/file']);
    expect(logger.lines.some((l) => String(l.msg).includes('operator flag drain set by its file'))).toBe(true);
  });

  it('ignores other files in the state directory (journal, temp files)', async () => {
    const { store } = await open();
    await store.ready();
    const changes: FlagChange[] = [];
    store.onChange((c) => changes.push(c));
    writeFileSync(join(root, 'journal.jsonl'), '{}\n');
    writeFileSync(join(root, 'drain.bak'), '');
    writeFileSync(join(root, '.drain.tmp-1-abcd'), '');
    await new Promise((r) => setTimeout(r, 200));
    expect(changes).toEqual([]);
    expect(store.get()).toEqual({ drain: false, freeze: false });
  });

  it('a burst of file events is debounced into one refresh', async () => {
    const { store } = await open(root, { debounceMs: 100 });
    await store.ready();
    const changes: FlagChange[] = [];
    store.onChange((c) => changes.push(c));
    for (let i = 0; i < 5; i++) {
      writeFileSync(join(root, 'drain'), String(i));
      rmSync(join(root, 'drain'));
    }
    writeFileSync(join(root, 'drain'), 'final');
    await eventually(() => store.get().drain);
    await new Promise((r) => setTimeout(r, 250));
    expect(changes.map((c) => `${c.flag}=${c.on}`)).toEqual(['drain=true']);
  });

  it('tolerates garbage contents: presence is what counts', async () => {
    writeFileSync(join(root, 'drain'), Buffer.from([0xff, 0x00, 0xfe, 0x7b]));
    mkdirSync(join(root, 'freeze'));
    const { store } = await open(root, { watch: false });
    expect(store.get()).toEqual({ drain: true, freeze: true });
    expect(await store.meta('drain')).toBeNull();
    expect(await store.meta('freeze')).toBeNull();
    writeFileSync(join(root, 'drain'), 'x'.repeat(100_000));
    expect(await store.meta('drain')).toBeNull();
    // clearing works whatever the flag is (a file, or a directory someone made)
    await store.set('drain', false);
    await store.set('freeze', false);
    expect(store.get()).toEqual({ drain: false, freeze: false });
    expect(readdirSync(root)).toEqual([]);
  });

  it('creates a missing state directory with mode 0750', async () => {
    const dir = join(root, 'var', 'db', 'carp-failover');
    const { store } = await open(dir, { watch: false });
    expect(statSync(dir).mode & 0o777).toBe(0o750);
    await store.set('freeze', true);
    expect(statSync(join(dir, 'freeze')).isFile()).toBe(true);
  });

  it('refuses to start when the state directory cannot be created', async () => {
    const file = join(root, 'not-a-dir');
    writeFileSync(file, '');
    await expect(open(join(file, 'state'), { watch: false })).rejects.toThrow(/cannot create the state directory/);
  });

  it('a failed write is a STATE_UNREADABLE error and leaves the cache as it was', async () => {
    if (process.getuid?.() === 0) {
      // root ignores directory modes; make the write fail another way: the flag path's parent is gone
      const dir = join(root, 'state');
      const { store } = await open(dir, { watch: false });
      rmSync(dir, { recursive: true });
      await expect(store.set('drain', true)).rejects.toMatchObject({ code: 'STATE_UNREADABLE' });
      expect(store.get().drain).toBe(false);
      return;
    }
    const { store } = await open(root, { watch: false });
    chmodSync(root, 0o500);
    try {
      await expect(store.set('drain', true)).rejects.toMatchObject({ code: 'STATE_UNREADABLE' });
      expect(store.get().drain).toBe(false);
    } finally {
      chmodSync(root, 0o700);
    }
  });

  it('refresh() re-reads the disk without the watcher', async () => {
    const { store } = await open(root, { watch: false });
    writeFileSync(join(root, 'freeze'), '');
    expect(store.get().freeze).toBe(false);
    expect(await store.refresh()).toEqual({ drain: false, freeze: true });
  });

  it('the periodic re-read catches a change the watcher missed', async () => {
    // A debounce longer than the test: only the periodic re-read can bring the file in.
    const { store } = await open(root, { debounceMs: 600_000, periodMs: 100 });
    writeFileSync(join(root, 'drain'), '');
    await eventually(() => store.get().drain, 3000);
  });

  it('set() replaces a planted symbolic link, never writes through it', async () => {
    const victim = join(root, 'victim');
    writeFileSync(victim, 'precious\n');
    const { store } = await open(root, { watch: false });
    symlinkSync(victim, join(root, 'drain'));
    await store.set('drain', true, { who: 'root' });
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    expect(lstatSync(join(root, 'drain')).isFile()).toBe(true);
    expect(JSON.parse(readFileSync(join(root, 'drain'), 'utf8'))).toMatchObject({ flag: 'drain', who: 'root' });
    // meta() does not read through a link either
    rmSync(join(root, 'drain'));
    writeFileSync(victim, '{"who":"through-the-link"}');
    symlinkSync(victim, join(root, 'drain'));
    expect(await store.meta('drain')).toBeNull();
  });

  it.skipIf(process.geteuid?.() !== 0)('ignores a flag file owned by another user, and says so', async () => {
    writeFileSync(join(root, 'drain'), '');
    chownSync(join(root, 'drain'), 65534, 65534);
    writeFileSync(join(root, 'freeze'), '');
    const { store, logger } = await open(root, { watch: false });
    expect(store.get()).toEqual({ drain: false, freeze: true });
    expect(logger.lines.some((l) => String(l.msg) === 'the drain flag file is owned by uid 65534, not root: ignored')).toBe(true);
  });

  it('a listener that throws is logged and does not stop the others', async () => {
    const { store, logger } = await open(root, { watch: false });
    const seen: string[] = [];
    store.onChange(() => {
      throw new Error('boom');
    });
    store.onChange((c) => seen.push(c.flag));
    await store.set('drain', true);
    expect(seen).toEqual(['drain']);
    expect(logger.lines.some((l) => l.msg === 'an operator flag listener threw')).toBe(true);
  });

  it('watcher errors are logged, never thrown', async () => {
    const { store, logger } = await open();
    await store.ready();
    // Remove the watched directory under the watcher: the store keeps answering.
    rmSync(root, { recursive: true, force: true });
    await new Promise((r) => setTimeout(r, 200));
    expect(store.get()).toEqual({ drain: false, freeze: false });
    expect(logger.lines.every((l) => (l.level as number) < 60)).toBe(true);
    mkdirSync(root);
  });

  it('close() stops the watcher and further notifications', async () => {
    const { store } = await open();
    await store.ready();
    const changes: FlagChange[] = [];
    store.onChange((c) => changes.push(c));
    await store.close();
    writeFileSync(join(root, 'drain'), '');
    await new Promise((r) => setTimeout(r, 150));
    expect(changes).toEqual([]);
    await expect(store.set('drain', true)).rejects.toThrow(/closed/);
  });
});
