// Telling a MASTER's advertisements from the other packets on its CARP interface (pure part; the
// watcher itself runs in the lab bench).
import { describe, expect, it } from 'vitest';
import { INTERVAL_TOLERANCE_MS, advertisementIntervalMs, lastAdvertisement } from './adverts.js';

describe('advertisementIntervalMs', () => {
  it('is advbase + advskew/256 seconds (the lab advertises every 1 s)', () => {
    expect(advertisementIntervalMs(0)).toBe(1000);
    expect(advertisementIntervalMs(128)).toBe(1500);
  });
});

describe('lastAdvertisement', () => {
  it('is the last tick one interval after the tick before it', () => {
    expect(lastAdvertisement([1000, 2000, 3001], 1000)).toBe(3001);
  });

  it('skips an ARP or multicast report that falls between two advertisements', () => {
    // Advertisements at 1000, 2000, 3000; something else left at 3245.
    expect(lastAdvertisement([1000, 2000, 3000, 3245], 1000)).toBe(3000);
  });

  it('needs two ticks an interval apart, within the tolerance', () => {
    expect(lastAdvertisement([], 1000)).toBeNull();
    expect(lastAdvertisement([5000], 1000)).toBeNull();
    expect(lastAdvertisement([1000, 2000 + INTERVAL_TOLERANCE_MS + 1], 1000)).toBeNull();
    expect(lastAdvertisement([1000, 2000 - INTERVAL_TOLERANCE_MS], 1000)).toBe(2000 - INTERVAL_TOLERANCE_MS);
  });
});
