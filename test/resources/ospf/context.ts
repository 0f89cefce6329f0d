// A ResourceContext for driving one resource by hand, as the engine would.
import type { ResourceContext } from '../../../src/resources/resource.js';
import { FakeClock } from '../../fakes/clock.js';
import { captureLogger } from '../../fakes/logger.js';
import { mastership } from '../../fakes/mastership.js';

export function testContext(): ResourceContext & { lines: Array<Record<string, unknown>> } {
  const { log, lines } = captureLogger();
  return { reconcileId: 'test', signal: new AbortController().signal, log, clock: new FakeClock(), mastership: mastership('MASTER'), stillMaster: async () => true, lines };
}
