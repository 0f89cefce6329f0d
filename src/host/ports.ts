// The side-effect ports. Only src/daemon.ts builds the real ones; the engine and the resources
// receive them, so tests swap in fakes (test/fakes/) and drive time by hand.

/** Time, injected so that settle times, backoff and periodic work are testable. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after ms; rejects with an AbortError when the signal aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Calls fn once after ms; returns a function that cancels it. */
  setTimer(ms: number, fn: () => void): () => void;
}

export interface RunOptions {
  /** Kill the command after this long; the default comes from config (commands.timeout_ms). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Text written to the command's stdin. */
  input?: string;
}

/** The result of a command that exited 0. */
export interface RunResult {
  argv: readonly string[];
  stdout: string;
  stderr: string;
  exitCode: number;
  durationMs: number;
}

/**
 * Runs one command without a shell. argv[0] must be an allow-listed binary. Rejects with a
 * CommandError (src/host/command-error.ts) carrying argv, exit code, stderr, duration and
 * whether it timed out, when the command fails, times out or cannot start.
 */
export interface Host {
  run(argv: readonly string[], options?: RunOptions): Promise<RunResult>;
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(abortError(signal));
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(abortError(signal!));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
  setTimer: (ms, fn) => {
    const timer = setTimeout(fn, ms);
    timer.unref?.();
    return () => clearTimeout(timer);
  },
};

/** The error a Clock.sleep rejects with when aborted. */
export function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  const error = new Error(typeof reason === 'string' ? reason : 'aborted');
  error.name = 'AbortError';
  return error;
}
