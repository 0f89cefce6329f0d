// Deadlines instead of fixed sleeps: the lab's argument order over the tests' one poll helper
// (test/support/wait.ts).
import { waitFor as poll, type Truthy } from '../support/wait.js';

/** Resolves with the first truthy value of check(); throws naming `what` after timeoutMs. */
export function waitFor<T>(what: string, timeoutMs: number, check: () => T | Promise<T>, everyMs = 50): Promise<Truthy<T>> {
  return poll(what, check, timeoutMs, everyMs);
}
