// Deadlines instead of fixed sleeps: poll a condition until it holds or the time is up.
import { setTimeout as sleep } from 'node:timers/promises';

/** Resolves with the first truthy value of check(); throws naming `what` after timeoutMs. */
export async function waitFor<T>(what: string, timeoutMs: number, check: () => T | Promise<T>, everyMs = 50): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message.split('\n')[0]})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await sleep(everyMs);
  }
}
