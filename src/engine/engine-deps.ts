// What the engine is built from: its config and its ports, all injected (built only by
// createService, src/service/create.ts).
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import type { ElectionPort } from '../election/election.js';
import type { Clock } from '../host/ports.js';
import type { CarpObserver, Demotion } from '../host/freebsd/ports.js';
import type { OperatorFlags } from '../model.js';
import type { AnyResource } from '../resources/resource.js';
import type { Journal } from '../status/journal.js';
import type { Ticker } from './ticker.js';

/** Everything the engine needs, injected (built only in the daemon). */
export interface EngineDeps {
  config: Config;
  clock: Clock;
  log: Logger;
  carp: CarpObserver;
  demotion: Demotion;
  resources: AnyResource[];
  journal: Journal;
  flags: () => OperatorFlags;
  ticker: Ticker;
  random?: () => number;
  /** Path checks and fail-back control (src/election/); none: no path or failback demotion. */
  election?: ElectionPort;
}
