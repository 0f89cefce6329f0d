// Drives one FailoverIpResource against the OVH mock the way the engine does (desired →
// observe → plan → apply, fake clock), with a scripted CARP answer for stillMaster() and the
// mastership the engine would tell (a new epoch each time `master` turns true).
import type { Config } from '../../../src/config/schema.js';
import type { OvhClient } from '../../../src/ovh/client.js';
import { FailoverIpResource } from '../../../src/resources/failover-ip/resource.js';
import type { FailoverIpActual, FailoverIpStep } from '../../../src/resources/failover-ip/model.js';
import type { FailoverIpStatus, Mastership, ResourceContext } from '../../../src/resources/resource.js';
import { FakeClock } from '../../fakes/clock.js';
import { captureLogger, type CapturedLogger } from '../../fakes/logger.js';
import { legacyCredentials, makeClient, moveWorld, routerConfig, sharedVmacWorld, vmacWorld, VMAC_A, VMAC_B, SERVER_A, SERVER_B, SHARED_VMAC, IP, type Router } from '../../ovh-mock/fixtures.js';
import { startOvhMock, type OvhMock } from '../../ovh-mock/server.js';

export type Strategy = 'vmac' | 'move' | 'shared-vmac';

export interface RunResult {
  actual?: FailoverIpActual;
  steps: FailoverIpStep[];
  /** The plan's wait, when it said to look again later instead of acting. */
  wait?: string;
  requeueAfterMs?: number;
  error?: { code: string; message: string; transient: boolean };
}

export interface Rig {
  strategy: Strategy;
  mock: OvhMock;
  clock: FakeClock;
  logger: CapturedLogger;
  client: OvhClient;
  config: Config;
  resource: FailoverIpResource;
  /** What CARP answers (stillMaster and the role given to desired). */
  master: boolean;
  /** The mastership the engine would tell now (epoch grows when `master` turns true). */
  mastership(): Mastership;
  /** The resource's typed status for the current mastership. */
  status(): FailoverIpStatus;
  ours: string;
  peer: string;
  /** One engine-like run; errors are caught and returned, as the engine records them. */
  run(): Promise<RunResult>;
  /** Runs until in sync or `maxRuns`, advancing the clock by each requeue (or 1 s). */
  converge(maxRuns?: number): Promise<RunResult[]>;
  /** Where the mock says the IP points now (vMAC or server). */
  binding(): string | null;
  writes(): string[];
  close(): Promise<void>;
}

export async function makeRig(
  strategy: Strategy,
  options: { boundTo?: 'ours' | 'peer' | null; ovh?: Record<string, unknown>; durations?: { initMs: number; todoMs: number; doingMs: number }; sharedAlso?: string[] } = {},
): Promise<Rig> {
  const router: Router = 'a';
  const clock = new FakeClock();
  // shared-vmac: "ours" is the shared vMAC; "peer" stands for wherever someone else re-bound it.
  const ours = strategy === 'shared-vmac' ? SHARED_VMAC : strategy === 'vmac' ? VMAC_A : SERVER_A;
  const peer = strategy === 'move' ? SERVER_B : VMAC_B;
  const bound = options.boundTo === undefined ? peer : options.boundTo === null ? null : options.boundTo === 'ours' ? ours : peer;
  const state = strategy === 'shared-vmac' ? sharedVmacWorld(bound, options.sharedAlso) : strategy === 'vmac' ? vmacWorld(bound) : moveWorld(bound);
  if (options.durations) state.durations = options.durations;
  const mock = await startOvhMock({ now: () => clock.now(), state });
  const logger = captureLogger('debug');
  const client = makeClient(mock.url, legacyCredentials(router), clock, logger.log, { timeoutMs: 500 });
  const config = routerConfig(router, strategy, mock.url, options.ovh);
  const resource = new FailoverIpResource({ config, ip: config.ovh.ips[0]!, client, clock });
  let seq = 0;
  let epoch = 0;
  let wasMaster = false;
  const rig: Rig = {
    strategy,
    mock,
    clock,
    logger,
    client,
    config,
    resource,
    master: true,
    ours,
    peer,
    mastership() {
      if (rig.master && !wasMaster) epoch++;
      wasMaster = rig.master;
      const target = rig.master ? 'MASTER' : 'BACKUP';
      return { role: target, target, since: 0, epoch };
    },
    status: () => resource.status(rig.mastership()),
    async run() {
      const mastership = rig.mastership();
      const ctx: ResourceContext = { reconcileId: `r${++seq}`, signal: new AbortController().signal, log: logger.log, clock, mastership, stillMaster: async () => rig.master };
      const desired = resource.desired({ ...mastership, draining: false, keepPath: false });
      if (desired === undefined) return { steps: [] };
      let actual: FailoverIpActual | undefined;
      let steps: FailoverIpStep[] = [];
      try {
        actual = await resource.observe(ctx);
        const plan = resource.plan(desired, actual);
        if (plan.kind === 'wait') return { actual, steps, wait: plan.reason, requeueAfterMs: plan.requeueAfterMs };
        if (plan.kind === 'blocked') throw plan.error;
        steps = plan.steps;
        let requeueAfterMs: number | undefined;
        for (const step of steps) {
          const result = await resource.apply(step, ctx);
          if (result?.requeueAfterMs !== undefined) requeueAfterMs = Math.min(requeueAfterMs ?? Infinity, result.requeueAfterMs);
        }
        return { actual, steps, requeueAfterMs };
      } catch (error) {
        const e = error as { code: string; message: string; transient: boolean };
        return { actual, steps, error: { code: e.code, message: e.message, transient: e.transient } };
      }
    },
    async converge(maxRuns = 20) {
      const results: RunResult[] = [];
      for (let i = 0; i < maxRuns; i++) {
        const result = await rig.run();
        results.push(result);
        if (!result.error && result.steps.length === 0 && result.wait === undefined) break;
        await clock.advance(result.requeueAfterMs ?? 1000);
      }
      return results;
    },
    binding() {
      const snapshot = mock.state.snapshot() as { ips: Record<string, { routedTo: string | null; vmac: string | null }> };
      return strategy === 'move' ? snapshot.ips[IP]!.routedTo : snapshot.ips[IP]!.vmac;
    },
    writes: () => mock.writes().map((r) => `${r.method} ${r.route}`),
    close: () => mock.close(),
  };
  return rig;
}
