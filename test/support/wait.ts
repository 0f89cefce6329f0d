// The one poll helper of the tests: wait on a condition with a deadline, never a fixed sleep.
// Every test and test library uses it (the lab's test/lab/wait.ts delegates here).
import { setTimeout as sleep } from 'node:timers/promises';

/** What a truthy check gave. */
export type Truthy<T> = Exclude<T, null | undefined | false | 0 | ''>;

/**
 * Resolves with the first truthy value of check(), polled every everyMs; a check that throws is
 * retried. After timeoutMs it throws, naming `what` and the check's last error.
 */
export async function waitFor<T>(what: string, check: () => T | Promise<T>, timeoutMs = 15_000, everyMs = 50): Promise<Truthy<T>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as Truthy<T>;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const why = lastError instanceof Error ? `: ${lastError.message.split('\n')[0]}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await sleep(everyMs);
  }
}
