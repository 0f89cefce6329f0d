// The periodic resync: whatever the events said, every period the engine re-observes the world.
// A port so tests drive it with a fake clock (test/fakes/ticker.ts).
import cron from 'node-cron';
import type { Logger } from 'pino';

/** Calls fn every periodS seconds until the returned function is called. */
export interface Ticker {
  every(periodS: number, fn: () => void): () => void;
}

/**
 * The cron expression for a period, or null when cron cannot express it evenly.
 * A cron step restarts at every minute (or hour) boundary: "*\/7" in the seconds field fires at
 * :00 :07 … :56 and then :00 again, a 4 s gap. So only periods that divide 60 s (seconds field)
 * or divide 60 min in whole minutes (minutes field) map to an exact expression.
 */
export function cronExpression(periodS: number): string | null {
  if (!Number.isInteger(periodS) || periodS < 1) return null;
  if (periodS === 1) return '* * * * * *';
  if (periodS === 60) return '0 * * * * *';
  if (60 % periodS === 0) return `*/${periodS} * * * * *`;
  if (periodS % 60 === 0) {
    const minutes = periodS / 60;
    if (minutes === 60) return '0 0 * * * *';
    if (60 % minutes === 0) return `0 */${minutes} * * * *`;
  }
  return null;
}

/**
 * The real ticker on node-cron. Periods cron cannot express evenly (7 s, 45 s, 90 s…) run on a
 * one-second cron tick that fires fn once periodS seconds have elapsed since the last call, so
 * every gap is the configured period (to the second) instead of a ragged cron step.
 */
export function createCronTicker(options: { log?: Logger; now?: () => number } = {}): Ticker {
  const now = options.now ?? Date.now;
  // node-cron writes to the console by default; its lines belong in our JSON log.
  const logger = options.log && cronLogger(options.log);
  return {
    every(periodS, fn) {
      const exact = cronExpression(periodS);
      const tick = exact ? fn : gateByElapsed(periodS * 1000, now, fn);
      const task = cron.schedule(exact ?? '* * * * * *', tick, {
        noOverlap: true,
        unref: true,
        // A missed tick (event loop busy) is harmless: the next one re-observes everything anyway.
        suppressMissedWarning: true,
        ...(logger ? { logger } : {}),
      });
      return () => {
        void task.destroy();
      };
    },
  };
}

/** Wraps fn so it runs at most once per periodMs of elapsed time (for the one-second cron tick). */
export function gateByElapsed(periodMs: number, now: () => number, fn: () => void): () => void {
  let last = now();
  return () => {
    // 50 ms of slack: cron ticks land a few ms either side of the second.
    if (now() - last < periodMs - 50) return;
    last = now();
    fn();
  };
}

function cronLogger(log: Logger) {
  const child = log.child({ component: 'ticker' });
  return {
    info: (message: string) => child.info(message),
    warn: (message: string) => child.warn(message),
    error: (message: string | Error, err?: Error) => child.error({ err: err ?? message }, String(message)),
    debug: (message: string | Error, err?: Error) => child.debug({ err }, String(message)),
  };
}
