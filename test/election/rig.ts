// Two routers' engines with their elections, on one fake clock and one elected CARP kernel
// (test/blue-green/kernel.ts: advskew + demotion capped at 240, a MASTER keeps its role on a
// tie, preempt on). Each router's path checks are the real scheduler and fail-back hold with a
// probe whose answer the test sets (upstream[router]); state directories are real, so a restart
// reads the persisted hold. One fake OSPF resource, for its readiness holds: these tests are
// about who leads, not what follows.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../../src/config/schema.js';
import type { Election } from '../../src/election/election.js';
import type { FailbackRecord } from '../../src/election/failback.js';
import type { FailbackRecordStore } from '../../src/election/failback-hold.js';
import type { LoadedFailback } from '../../src/election/failback-store.js';
import type { Engine } from '../../src/engine/engine.js';
import { createService } from '../../src/service/create.js';
import type { OperatorFlags } from '../../src/model.js';
import type { Journal } from '../../src/status/journal.js';
import type { Timeline } from '../../src/status/model.js';
import { CarpKernel, type KernelDemotion, type Router } from '../blue-green/kernel.js';
import type { FakeCarp } from '../fakes/carp.js';
import { FakeClock } from '../fakes/clock.js';
import { FakeFlags } from '../fakes/flags.js';
import { captureLogger } from '../fakes/logger.js';
import { FakeTicker } from '../fakes/ticker.js';
import { fakeOspf, World, type FakeResource } from '../engine/support/fake-resource.js';
import { testConfig } from '../engine/support/harness.js';

/** failback.json in memory: the last saved record, as a new process would load it. */
export class MemoryFailbackStore implements FailbackRecordStore {
  readonly path = 'memory:failback.json';
  saved: FailbackRecord | null = null;
  saves = 0;

  async load(): Promise<LoadedFailback> {
    return this.saved === null ? { kind: 'none' } : { kind: 'record', record: structuredClone(this.saved) };
  }

  async save(record: FailbackRecord): Promise<void> {
    this.saves++;
    this.saved = structuredClone(record);
  }
}

export interface ElectionNode {
  router: Router;
  config: Config;
  engine: Engine;
  election: Election;
  carp: FakeCarp;
  demotion: KernelDemotion;
  /** A resource whose readiness holds the test sets (an OSPF neighbour missing). */
  ospf: FakeResource;
  journal: Journal;
  flags: OperatorFlags;
  /** Starts the election and the engine (the daemon's order). */
  start(): Promise<void>;
  /** A clean stop (the daemon's), or a power cut: the same for what is on disk. */
  stop(): Promise<void>;
  history(): Promise<Timeline[]>;
}

export interface ElectionWorld {
  clock: FakeClock;
  kernel: CarpKernel;
  /** Whether each router's upstream answers its probes. */
  upstream: Record<Router, boolean>;
  /** A router; `restartOf` builds a new process (engine, election) on the same kernel and disk. */
  node(router: Router, options?: { advskew?: number; up?: boolean; restartOf?: ElectionNode }): ElectionNode;
  /** Moves fake time in steps of stepMs, letting runs settle. */
  run(ms: number, stepMs?: number): Promise<void>;
  /** Fake ms at which MASTER changed, with the new MASTER, since `since`. */
  elections(since?: number): Array<{ at: number; master: Router | null }>;
  close(): Promise<void>;
}

/** The check both routers run: the same upstream target, as a pair would be configured. */
export const UPSTREAM_CHECK = { name: 'upstream', type: 'icmp', target: '198.51.100.1', interval_ms: 1000, timeout_ms: 500, fall: 3, rise: 3, weight: 240 };

export function electionWorld(options: { master: Router; config?: Record<string, unknown> }): ElectionWorld {
  const clock = new FakeClock();
  const kernel = new CarpKernel(options.master, () => clock.now());
  const dir = mkdtempSync(join(tmpdir(), 'cfe-election-'));
  const upstream: Record<Router, boolean> = { a: true, b: true };
  const nodes: ElectionNode[] = [];
  // One per router, kept across restarts like failback.json (test/election/failback-store.test.ts
  // covers the file itself): real fsyncs would outlast the fake clock's flushes.
  const stores: Partial<Record<Router, MemoryFailbackStore>> = {};
  const world: ElectionWorld = {
    clock,
    kernel,
    upstream,
    node(router, nodeOptions = {}) {
      const stateDir = join(dir, router);
      mkdirSync(stateDir, { recursive: true });
      const config = testConfig({ node: `router-00${router === 'a' ? 1 : 2}`, carp: { vhids: [{ vhid: 1, interface: 'vmx0' }] }, health: { checks: [UPSTREAM_CHECK] }, ...options.config }, stateDir);
      const captured = captureLogger(process.env.CFE_LOG ? 'debug' : 'silent');
      const log = captured.log;
      if (process.env.CFE_LOG) captured.lines.push = (...items) => { for (const i of items) console.log(router, JSON.stringify(i)); return 0; };
      const flags: OperatorFlags = { drain: false, freeze: false };
      const previous = nodeOptions.restartOf;
      const { carp, demotion } = previous ?? kernel.attach(router, { advskew: nodeOptions.advskew ?? (router === 'a' ? 0 : 100), up: nodeOptions.up });
      const ospf = previous?.ospf ?? fakeOspf(new World(clock, carp, config.carp.vhids));
      const service = createService(config, {
        clock,
        log,
        carp,
        demotion,
        resources: [ospf],
        flags: new FakeFlags(flags),
        ticker: new FakeTicker(clock),
        random: () => 0.5,
        probeFor: () => async () => ({ ok: upstream[router], detail: upstream[router] ? 'reply from 198.51.100.1' : 'no reply from 198.51.100.1' }),
        failbackStore: (stores[router] ??= new MemoryFailbackStore()),
      });
      const { engine, election, journal } = service;
      kernel.onChange(router, (reason) => engine.requestReconcile(reason));
      let stopped = false;
      const node: ElectionNode = {
        router,
        config,
        engine,
        election,
        carp,
        demotion,
        ospf,
        journal,
        flags,
        async start() {
          await election.start();
          const starting = engine.start();
          await clock.advance(0);
          await starting;
        },
        async stop() {
          if (stopped) return;
          stopped = true;
          const stopping = engine.stop(0);
          await clock.advance(2000);
          await stopping;
          await election.stop();
          await journal.flush();
        },
        async history() {
          await journal.flush();
          return engine.history(50);
        },
      };
      nodes.push(node);
      return node;
    },
    async run(ms, stepMs = 100) {
      for (let left = ms; left > 0; left -= stepMs) await clock.advance(Math.min(stepMs, left));
    },
    elections: (since = -Infinity) => kernel.elections.filter((e) => e.at >= since),
    async close() {
      for (const node of nodes) await node.stop();
      rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
    },
  };
  return world;
}
