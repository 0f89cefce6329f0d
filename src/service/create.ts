// One wiring: the engine, its journal and the ServiceApi of one carp-failover service, built from
// a config and its ports. The daemon, the bench and every test rig call this, so what they run is
// what ships; nothing else constructs the engine (test/layout.test.ts checks it).
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import type { ServiceApi } from '../control/service-api.js';
import { Engine } from '../engine/engine.js';
import type { Ticker } from '../engine/ticker.js';
import type { CarpObserver, Demotion } from '../host/freebsd/ports.js';
import type { Clock } from '../host/ports.js';
import type { AnyResource } from '../resources/resource.js';
import type { PathCheckConfig } from '../config/schema-election.js';
import { Election } from '../election/election.js';
import type { FailbackRecordStore } from '../election/failback-hold.js';
import type { Probe } from '../election/probe.js';
import { Journal } from '../status/journal.js';
import type { MetricsListenerStatus, StatusReport } from '../status/model.js';
import { buildReport, createServiceApi, type FlagSource, type ServiceParts } from './api.js';

/** Every side effect of a service, injected: real ones in the daemon, fakes in tests. */
export interface ServicePorts {
  clock: Clock;
  log: Logger;
  carp: CarpObserver;
  demotion: Demotion;
  ticker: Ticker;
  flags: FlagSource;
  resources: AnyResource[];
  /** Retry jitter; tests pin it. */
  random?: () => number;
  /** Where the config was read from, shown in status. */
  configPath?: string;
  /** The metrics listener's state for status (the daemon's; none in rigs). */
  metrics?: () => MetricsListenerStatus | null;
  /** Path checks' probes (src/election/probes.ts probesFrom); none: every check is a broken probe. */
  probeFor?: (check: PathCheckConfig) => Probe;
  /** Where the fail-back hold is kept; failback.json in the state directory by default. */
  failbackStore?: FailbackRecordStore;
}

const NO_PROBE: Probe = async () => ({ ok: false, broken: true, detail: 'no probe port in this build of the service' });

/** A built service: not running until start(). */
export interface Service {
  readonly engine: Engine;
  readonly election: Election;
  readonly api: ServiceApi;
  readonly journal: Journal;
  readonly flags: FlagSource;
  /** True once start() was called: only then may a stop release what the service applied. */
  readonly started: boolean;
  config(): Config;
  report(): StatusReport;
  /** Boot hold-down, drain, the first run, then the periodic resync (see Engine.start). */
  start(): Promise<void>;
  /** Stops the engine (the run in flight gets graceMs), flushes the journal, closes the flags; demotion untouched. */
  stop(graceMs?: number): Promise<void>;
  /** Swaps in a config and its resources that were built in full; counted as a reload. */
  replaceConfig(config: Config, resources: AnyResource[]): void;
  /** Counts a reload that was refused (the running config is kept). */
  reloadRefused(): void;
}

/** Builds the service; nothing runs and nothing is written until start(). */
export function createService(config: Config, ports: ServicePorts): Service {
  let current = config;
  let loadedAt = new Date(ports.clock.now()).toISOString();
  let started = false;
  let stopping: Promise<void> | null = null;
  const journal = Journal.fromConfig(config, ports.log);
  let engine: Engine | null = null;
  const election = new Election({
    config: () => current,
    clock: ports.clock,
    log: ports.log,
    journal,
    probeFor: ports.probeFor ?? (() => NO_PROBE),
    requestRun: (reason) => engine?.requestReconcile(reason),
    store: ports.failbackStore,
  });
  engine = new Engine({
    config,
    clock: ports.clock,
    log: ports.log,
    carp: ports.carp,
    demotion: ports.demotion,
    resources: ports.resources,
    journal,
    flags: () => ports.flags.get(),
    ticker: ports.ticker,
    random: ports.random,
    election,
  });
  const parts: ServiceParts = {
    engine: () => engine!,
    flags: ports.flags,
    configInfo: () => ({ path: ports.configPath ?? '(built in process)', loadedAt }),
    metrics: ports.metrics,
    log: ports.log,
  };
  const api = createServiceApi(parts);
  // A flag file written by hand is a hint like a devd line: it asks for a run.
  const unsubscribe = ports.flags.onChange((change) => engine!.requestReconcile(`flag ${change.flag} ${change.on ? 'set' : 'cleared'}`));
  return {
    engine: engine!,
    election,
    api,
    journal,
    flags: ports.flags,
    get started() {
      return started;
    },
    config: () => current,
    report: () => buildReport(parts),
    async start() {
      started = true;
      // Checks probe from now on, off the failover path; the boot hold-down waits for their verdicts.
      await election.start();
      await engine!.start();
    },
    stop(graceMs?: number) {
      stopping ??= (async () => {
        unsubscribe();
        await engine!.stop(graceMs);
        await election.stop();
        await Promise.allSettled([journal.flush(), ports.flags.close()]);
      })();
      return stopping;
    },
    replaceConfig(next, resources) {
      current = next;
      loadedAt = new Date(ports.clock.now()).toISOString();
      engine!.replaceConfig(next, resources);
      void election.reload(next);
      engine!.increment('configReloads');
    },
    reloadRefused() {
      engine!.increment('configReloadFailures');
    },
  };
}
