import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../src/engine/backoff.js';

const config = { initial_ms: 1000, max_ms: 60_000, factor: 2, jitter: 0.2 };

describe('backoffDelay', () => {
  it('doubles from initial_ms with the jitter at its middle, capped at max_ms', () => {
    const mid = () => 0.5;
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffDelay(config, n, mid))).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000]);
  });

  it('spreads by ±jitter', () => {
    expect(backoffDelay(config, 1, () => 0)).toBe(800);
    expect(backoffDelay(config, 1, () => 1)).toBe(1200);
    expect(backoffDelay({ ...config, jitter: 0 }, 3, () => 0)).toBe(4000);
  });

  it('never exceeds max_ms, even with jitter at the top', () => {
    expect(backoffDelay(config, 7, () => 1)).toBe(60_000);
  });

  it('survives absurd inputs: huge attempt counts, attempts < 1, a broken random', () => {
    expect(backoffDelay(config, 1e9, () => 0.5)).toBe(60_000);
    expect(backoffDelay(config, 0, () => 0.5)).toBe(1000);
    expect(backoffDelay(config, -5, () => 0.5)).toBe(1000);
    expect(backoffDelay(config, 2, () => Number.NaN)).toBe(2000);
    expect(backoffDelay(config, 2, () => 7)).toBe(2400);
  });

  it('property: grows strictly until the cap whatever the jitter draws (factor ≥ 2, jitter ≤ 0.2)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (n, r1, r2) => {
        const a = backoffDelay(config, n, () => r1);
        const b = backoffDelay(config, n + 1, () => r2);
        expect(b).toBeGreaterThan(a);
        expect(a).toBeGreaterThanOrEqual(800);
        expect(b).toBeLessThanOrEqual(60_000);
      }),
    );
  });
});
