// Bounds every resource call by the run's signal. Resources are asked to honour the signal, but a
// call that ignores it must not wedge the single writer: the run moves on (and says so) while the
// abandoned promise settles on its own; Host.run gets the same signal and kills its command.
import { abortError } from '../host/ports.js';

/** Resolves like `work`, or rejects with the signal's reason as soon as it aborts. */
export function abortable<T>(work: Promise<T> | T, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    Promise.resolve(work).then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
