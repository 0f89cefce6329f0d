// A Ticker driven by a FakeClock: each period is a clock timer, so clock.advance() fires ticks
// in time order with everything else the test scheduled.
import type { Clock } from '../../src/host/ports.js';
import type { Ticker } from '../../src/engine/ticker.js';

export class FakeTicker implements Ticker {
  /** Tickers started and not stopped. */
  active = 0;
  ticks = 0;
  readonly periods: number[] = [];

  constructor(private readonly clock: Clock) {}

  every(periodS: number, fn: () => void): () => void {
    this.active++;
    this.periods.push(periodS);
    let stopped = false;
    let cancel = () => {};
    const arm = () => {
      cancel = this.clock.setTimer(periodS * 1000, () => {
        if (stopped) return;
        this.ticks++;
        arm();
        fn();
      });
    };
    arm();
    return () => {
      if (stopped) return;
      stopped = true;
      this.active--;
      cancel();
    };
  }
}
