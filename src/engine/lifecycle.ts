// Small helpers for starting and stopping: bounded waits on the injected clock and closing
// resources without letting one failure skip the others.
import type { Logger } from 'pino';
import type { Clock } from '../host/ports.js';
import type { AnyResource } from '../resources/resource.js';

/** True when `promise` settled within ms (clock time), false when the wait ran out. */
export function within(clock: Clock, promise: Promise<void>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const cancel = clock.setTimer(ms, () => resolve(false));
    void promise.then(() => {
      cancel();
      resolve(true);
    });
  });
}

/** Calls close() on each resource, in order; failures are logged. */
export async function closeAll(resources: readonly AnyResource[], log: Logger): Promise<void> {
  for (const resource of resources) {
    try {
      await resource.close?.();
    } catch (error) {
      log.warn({ err: error, resource: resource.id }, 'closing a resource failed');
    }
  }
}
