// Two routers as the daemon wires them (createService, src/service/create.ts), on one fake clock:
// each runs the real Engine with the real GRE, OSPF and OVH failover-IP resources (its host faked
// by host.ts), a real FlagStore in its own state directory and the real ServiceApi; both talk to
// one in-process OVH mock, and their CARP comes from one elected kernel (kernel.ts). The peer's
// claim of the failover IP is therefore the peer's own Engine calling the mock, not a test edit.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../../src/config/schema.js';
import type { ServiceApi } from '../../src/control/service-api.js';
import type { Engine } from '../../src/engine/engine.js';
import { FlagStore } from '../../src/flags/store.js';
import { createFailoverIpResources } from '../../src/resources/failover-ip/index.js';
import { GreResource } from '../../src/resources/gre/gre-resource.js';
import { createOspfResources } from '../../src/resources/ospf/resource.js';
import { createService } from '../../src/service/create.js';
import type { StatusReport } from '../../src/status/model.js';
import { FakeClock } from '../fakes/clock.js';
import { captureLogger, type CapturedLogger } from '../fakes/logger.js';
import { FakeTicker } from '../fakes/ticker.js';
import { IP, KEYS, legacyCredentials, moveWorld, routerConfig, SERVER_A, SERVER_B, vmacWorld, VMAC_A, VMAC_B } from '../ovh-mock/fixtures.js';
import { startOvhMock, type MockRequest, type OvhMock } from '../ovh-mock/server.js';
import { CountingClient, settleOvhCalls } from '../support/ovh-inflight.js';
import { routerHost, COST, IFCONFIG, TUNNEL, VTYSH, type RouterHost, type RouterHostState } from './host.js';
import { CarpKernel, type KernelDemotion, type Router } from './kernel.js';
import type { FakeCarp } from '../fakes/carp.js';

/** The two OVH strategies: a vMAC on one hypervisor, or a move between dedicated servers. */
export type Strategy = 'vmac' | 'move';

/** One router as its daemon would hold it, plus the fakes the test reads. */
export interface Node {
  router: Router;
  config: Config;
  carp: FakeCarp;
  demotion: KernelDemotion;
  host: RouterHost;
  flags: FlagStore;
  engine: Engine;
  api: ServiceApi;
  logger: CapturedLogger;
  client: CountingClient;
  report(): StatusReport;
  /** Stops the engine and closes the flag store and journal (a clean shutdown or a power cut). */
  stop(): Promise<void>;
}

/** How a router starts (its host state defaults to what its current role wants). */
export interface NodeOptions {
  /** Lower wins the election; a is the preferred router (0), b the standby (100). */
  advskew?: number;
  up?: boolean;
  host?: RouterHostState;
  /** A drain flag file already in the state directory (written before the node starts). */
  drainFile?: boolean;
}

/** The shared clock, OVH mock and CARP kernel, and the routers built on them. */
export interface World {
  strategy: Strategy;
  clock: FakeClock;
  mock: OvhMock;
  kernel: CarpKernel;
  dir: string;
  node(router: Router, options?: NodeOptions): Promise<Node>;
  /** Moves fake time on in steps, letting every run and OVH call settle after each step. */
  run(ms: number, onStep?: () => void, stepMs?: number): Promise<void>;
  settle(): Promise<void>;
  /** Where the mock says the failover IP is bound now. */
  binding(): string | null;
  /** A router's vMAC (vmac) or server (move): what `binding()` says when that router holds it. */
  target(router: Router): string;
  /** POST/PUT/DELETE the router sent to the mock at or after `since` (fake ms). */
  ovhWrites(router: Router, since?: number): MockRequest[];
  close(): Promise<void>;
}

const PROVIDER_SETTLE_MS = 3000;
const LOCAL_SETTLE_MS = 300;

/** A world where the failover IP is bound to `boundTo` and the kernel holds `master` as MASTER. */
export async function makeWorld(options: { strategy: Strategy; boundTo: Router | null; master: Router | null; ovh?: Record<string, unknown> }): Promise<World> {
  const { strategy } = options;
  const clock = new FakeClock();
  const target = (router: Router) => (strategy === 'vmac' ? (router === 'a' ? VMAC_A : VMAC_B) : router === 'a' ? SERVER_A : SERVER_B);
  const bound = options.boundTo === null ? null : target(options.boundTo);
  const state = strategy === 'vmac' ? vmacWorld(bound) : moveWorld(bound);
  state.durations = { initMs: 1000, todoMs: 2000, doingMs: 5000 };
  const mock = await startOvhMock({ now: () => clock.now(), state });
  const kernel = new CarpKernel(options.master, () => clock.now());
  const dir = mkdtempSync(join(tmpdir(), 'cf-bluegreen-'));
  const nodes: Node[] = [];
  const callerOf = (caller: string | null): Router | null => (caller?.startsWith(KEYS.a.applicationKey) ? 'a' : caller?.startsWith(KEYS.b.applicationKey) ? 'b' : null);

  // The driver waits for real HTTP before moving fake time on.
  const settle = () => settleOvhCalls(() => nodes.map((n) => n.client));

  const world: World = {
    strategy,
    clock,
    mock,
    kernel,
    dir,
    async node(router, nodeOptions = {}) {
      const stateDir = join(dir, router);
      const config = routerConfig(router, strategy, mock.url, { timeout_ms: 2000, ...options.ovh }, {
        state_dir: stateDir,
        settle: { local_ms: LOCAL_SETTLE_MS, provider_ms: PROVIDER_SETTLE_MS },
        commands: { ifconfig: IFCONFIG },
        gre: { tunnels: [{ interface: TUNNEL, mode: 'follow-carp' }] },
        ospf: { vtysh: VTYSH, interfaces: [{ interface: TUNNEL, cost: { ...COST } }] },
        sockets: { intake: { path: join(stateDir, 'intake.sock') }, status: { path: join(stateDir, 'status.sock') } },
      });
      const logger = captureLogger('info');
      const log = logger.log.child({ node: config.node });
      mkdirSync(stateDir, { recursive: true, mode: 0o750 });
      // As left on disk by `carp-failover drain` before a reboot: the store reads it when built.
      if (nodeOptions.drainFile) writeFileSync(join(stateDir, 'drain'), `${JSON.stringify({ flag: 'drain', who: 'operator', why: 'OS update' })}\n`);
      const flags = await FlagStore.open({ stateDir, log, watch: false, now: () => clock.now() });
      const host = routerHost(nodeOptions.host ?? (router === kernel.master ? { greUp: true, cost: COST.master } : { greUp: false, cost: COST.backup }));
      const { carp, demotion } = kernel.attach(router, { advskew: nodeOptions.advskew ?? (router === 'a' ? 0 : 100), up: nodeOptions.up });
      const client = new CountingClient({ credentials: legacyCredentials(router), baseUrl: mock.url, timeoutMs: 2000, clock, log: log.child({ component: 'ovh' }) });
      // What src/resources/build.ts builds, without the credentials file (the client is given).
      const resources = [
        new GreResource(config.gre.tunnels[0]!, { host: host.host, ifconfig: IFCONFIG, timeoutMs: config.commands.timeout_ms }),
        ...createOspfResources(config, host.host),
        ...createFailoverIpResources(config, client, clock),
      ];
      const service = createService(config, { clock, log, carp, demotion, resources, flags, ticker: new FakeTicker(clock), random: () => 0.5, configPath: join(stateDir, 'carp-failover.yaml') });
      const { engine, api } = service;
      kernel.onChange(router, (reason) => engine.requestReconcile(reason));
      let stopped = false;
      const node: Node = {
        router,
        config,
        carp,
        demotion,
        host,
        flags,
        engine,
        api,
        logger,
        client,
        report: () => api.status(),
        async stop() {
          if (stopped) return;
          stopped = true;
          const stopping = service.stop(0);
          await clock.advance(2000);
          await stopping;
        },
      };
      nodes.push(node);
      return node;
    },
    async run(ms, onStep, stepMs = 500) {
      await settle();
      for (let left = ms; left > 0; left -= stepMs) {
        await clock.advance(Math.min(stepMs, left));
        await settle();
        onStep?.();
      }
    },
    settle,
    binding() {
      mock.state.tick(); // tasks end when the mock's clock says so, not only when someone asks
      if (strategy === 'vmac') return mock.state.vmacOf(IP)?.mac ?? null;
      return mock.state.ips.get(IP)?.routedTo ?? null;
    },
    target,
    ovhWrites: (router, since = -Infinity) => mock.writes().filter((r) => callerOf(r.caller) === router && r.at >= since),
    async close() {
      for (const node of nodes) await node.stop();
      await mock.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return world;
}

/** The names of the drain conditions not met in a report (empty when drained). */
export function unmet(report: StatusReport): string[] {
  return report.drain === null ? [] : report.drain.conditions.filter((c) => !c.met).map((c) => c.name);
}

/** One resource's status by kind. */
export function resource(report: StatusReport, kind: 'gre' | 'ospf' | 'ovh'): StatusReport['resources'][number] {
  const found = report.resources.find((r) => r.kind === kind);
  if (!found) throw new Error(`no ${kind} resource in the report`);
  return found;
}
