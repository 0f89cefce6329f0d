// A ResourceContext for driving one resource by hand, as the engine would.
import type { ResourceContext } from '../../../src/resources/resource.js';
import { FakeClock } from '../../fakes/clock.js';
import { captureLogger } from '../../fakes/logger.js';

export function testContext(): ResourceContext & { lines: Array<Record<string, unknown>> } {
  const { log, lines } = captureLogger();
  return { reconcileId: 'test', signal: new AbortController().signal, log, clock: new FakeClock(), stillMaster: async () => true, lines };
}
