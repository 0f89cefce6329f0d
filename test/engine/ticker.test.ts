import { describe, expect, it } from 'vitest';
import cron from 'node-cron';
import { createCronTicker, cronExpression, gateByElapsed } from '../../src/engine/ticker.js';
import { FakeClock } from '../fakes/clock.js';
import { FakeTicker } from '../fakes/ticker.js';

describe('cronExpression', () => {
  const table: Array<[number, string | null]> = [
    [1, '* * * * * *'],
    [5, '*/5 * * * * *'],
    [15, '*/15 * * * * *'],
    [30, '*/30 * * * * *'],
    [60, '0 * * * * *'],
    [120, '0 */2 * * * *'],
    [900, '0 */15 * * * *'],
    [3600, '0 0 * * * *'],
    // A cron step restarts each minute: these would give ragged gaps, so they are gated instead.
    [7, null],
    [45, null],
    [90, null],
    [420, null],
    [0, null],
    [1.5, null],
  ];
  it.each(table)('%s s → %s', (period, expression) => {
    expect(cronExpression(period)).toBe(expression);
    if (expression) expect(cron.validate(expression)).toBe(true);
  });
});

describe('gateByElapsed', () => {
  it('fires once per period on a one-second tick, for periods cron cannot express', () => {
    let now = 0;
    let fired = 0;
    const tick = gateByElapsed(7000, () => now, () => fired++);
    const firedAt: number[] = [];
    for (now = 1000; now <= 30_000; now += 1000) {
      const before = fired;
      tick();
      if (fired > before) firedAt.push(now);
    }
    expect(firedAt).toEqual([7000, 14000, 21000, 28000]);
  });

  it('tolerates a tick landing a few ms early', () => {
    let now = 0;
    let fired = 0;
    const tick = gateByElapsed(3000, () => now, () => fired++);
    now = 2990;
    tick();
    expect(fired).toBe(1);
  });
});

describe('createCronTicker (real node-cron)', () => {
  it('ticks every second and stops when asked', async () => {
    const ticker = createCronTicker();
    let ticks = 0;
    const stop = ticker.every(1, () => ticks++);
    await new Promise((resolve) => setTimeout(resolve, 2300));
    stop();
    const atStop = ticks;
    expect(atStop).toBeGreaterThanOrEqual(1);
    expect(atStop).toBeLessThanOrEqual(3);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(ticks).toBe(atStop);
  });
});

describe('FakeTicker', () => {
  it('ticks on the fake clock and stops', async () => {
    const clock = new FakeClock(0);
    const ticker = new FakeTicker(clock);
    let ticks = 0;
    const stop = ticker.every(15, () => ticks++);
    await clock.advance(44_999);
    expect(ticks).toBe(2);
    stop();
    expect(ticker.active).toBe(0);
    await clock.advance(60_000);
    expect(ticks).toBe(2);
  });
});
