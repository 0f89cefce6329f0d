import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { resolveGroup } from '../../src/control/group.js';
import { LogLimiter } from '../../src/control/log-limiter.js';
import { captureLogger } from '../fakes/logger.js';

describe('LogLimiter', () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  it('logs perWindow lines per window and sums up the rest once, even if the flood stops', () => {
    const { log, lines } = captureLogger();
    const limiter = new LogLimiter(log, { perWindow: 3, windowMs: 1000 });
    const logged = Array.from({ length: 100 }, (_, i) => limiter.warn({ i }, 'dropped'));
    expect(logged.filter(Boolean)).toHaveLength(3);
    expect(lines.map((l) => l.i)).toEqual([0, 1, 2]);
    vi.advanceTimersByTime(1000); // the flood stopped: the timer writes the summary
    expect(lines).toHaveLength(4);
    expect(lines[3]).toMatchObject({ suppressed: 97, msg: 'suppressed 97 similar log lines', level: 40 });
  });

  it('starts a fresh budget in the next window', () => {
    const { log, lines } = captureLogger();
    const limiter = new LogLimiter(log, { perWindow: 2, windowMs: 1000 });
    for (let i = 0; i < 5; i++) limiter.warn({}, 'a');
    vi.setSystemTime(1500);
    for (let i = 0; i < 5; i++) limiter.warn({}, 'b');
    limiter.flush();
    expect(lines.map((l) => (l.suppressed === undefined ? l.msg : `suppressed ${String(l.suppressed)}`))).toEqual([
      'a',
      'a',
      'suppressed 3',
      'b',
      'b',
      'suppressed 3',
    ]);
  });
});

describe('resolveGroup', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cf-group-'));
    await writeFile(join(dir, 'group'), 'wheel:*:0:root\n# comment\noperator:*:5:root\ncarpstat:x:1234:alice,bob\n');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('maps names through group(5), passes numbers and null through', async () => {
    expect(await resolveGroup('carpstat', join(dir, 'group'))).toBe(1234);
    expect(await resolveGroup('operator', join(dir, 'group'))).toBe(5);
    expect(await resolveGroup('77', join(dir, 'group'))).toBe(77);
    expect(await resolveGroup(42)).toBe(42);
    expect(await resolveGroup(null)).toBeNull();
  });

  it('refuses a group that does not exist, naming it', async () => {
    await expect(resolveGroup('nosuch', join(dir, 'group'))).rejects.toMatchObject({ code: 'CONFIG_INVALID', details: { group: 'nosuch' } });
  });
});
