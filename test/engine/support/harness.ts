// Builds a service (src/service/create.ts) wired to fakes (clock, CARP, demotion, ticker, resources) and a real Journal
// in a temporary directory, so engine tests read like the scenario they check.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configSchema, type Config } from '../../../src/config/schema.js';
import type { Engine } from '../../../src/engine/engine.js';
import type { OperatorFlags } from '../../../src/model.js';
import type { AnyResource } from '../../../src/resources/resource.js';
import { createService, type Service } from '../../../src/service/create.js';
import type { Journal } from '../../../src/status/journal.js';
import { FakeCarp, FakeDemotion } from '../../fakes/carp.js';
import { FakeClock } from '../../fakes/clock.js';
import { FakeFlags } from '../../fakes/flags.js';
import { captureLogger, type CapturedLogger } from '../../fakes/logger.js';
import { FakeTicker } from '../../fakes/ticker.js';
import { fakeGre, fakeOspf, fakeOvh, World, type FakeResource } from './fake-resource.js';

export interface Harness {
  service: Service;
  engine: Engine;
  config: Config;
  clock: FakeClock;
  carp: FakeCarp;
  demotion: FakeDemotion;
  ticker: FakeTicker;
  journal: Journal;
  logger: CapturedLogger;
  world: World;
  flags: OperatorFlags;
  gre: FakeResource;
  ospf: FakeResource;
  ovh: FakeResource;
  dir: string;
  /** Removes the temporary directory and stops the engine. */
  dispose(): Promise<void>;
}

/** Config with the test's overrides (deep merge of one level of sections). */
export function testConfig(overrides: Record<string, unknown> = {}, dir = '/var/db/carp-failover'): Config {
  return configSchema.parse({
    node: 'router-002',
    carp: { vhids: [{ vhid: 1, interface: 'vmx0' }, { vhid: 2, interface: 'vmx1' }] },
    state_dir: dir,
    ...overrides,
  });
}

export interface HarnessOptions {
  config?: Record<string, unknown>;
  /** Resources instead of the default gre + ospf + ovh. */
  resources?: (world: World) => AnyResource[];
  random?: () => number;
  initialRole?: 'MASTER' | 'BACKUP' | 'INIT';
}

export function makeHarness(options: HarnessOptions = {}): Harness {
  const dir = mkdtempSync(join(tmpdir(), 'cfe-engine-'));
  const config = testConfig(options.config, dir);
  const clock = new FakeClock();
  const carp = new FakeCarp().setAll(options.initialRole ?? 'BACKUP');
  const demotion = new FakeDemotion();
  const ticker = new FakeTicker(clock);
  const logger = captureLogger('debug');
  const world = new World(clock, carp, config.carp.vhids);
  const gre = fakeGre(world);
  const ospf = fakeOspf(world);
  const ovh = fakeOvh(world);
  const flags: OperatorFlags = { drain: false, freeze: false };
  const resources = options.resources ? options.resources(world) : [ovh, ospf, gre];
  const service = createService(config, { clock, log: logger.log, carp, demotion, resources, flags: new FakeFlags(flags), ticker, random: options.random ?? (() => 0.5) });
  const { engine, journal } = service;
  return {
    service,
    engine,
    config,
    clock,
    carp,
    demotion,
    ticker,
    journal,
    logger,
    world,
    flags,
    gre,
    ospf,
    ovh,
    dir,
    async dispose() {
      const stopping = service.stop(0);
      await clock.advance(2000); // lets the bounded wait of stop() run out if a run hangs
      await stopping;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
