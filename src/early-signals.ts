// Signals that reach the daemon while its modules are still loading: held instead of killing the
// process (SIGHUP's default action), then handed to the daemon once its own handlers are in place.
// Imported first and alone by src/cli/bin.ts, so it is in place as early as JavaScript can be.

const held: NodeJS.Signals[] = [];
const hold = (signal: NodeJS.Signals) => void held.push(signal);
let holding: readonly NodeJS.Signals[] = [];

/** Starts holding these signals. */
export function holdEarlySignals(signals: readonly NodeJS.Signals[]): void {
  holding = signals;
  for (const signal of signals) process.on(signal, hold);
}

/** Stops holding; returns what arrived meanwhile, in order (call after installing real handlers). */
export function takeEarlySignals(): NodeJS.Signals[] {
  for (const signal of holding) process.off(signal, hold);
  holding = [];
  return held.splice(0);
}
