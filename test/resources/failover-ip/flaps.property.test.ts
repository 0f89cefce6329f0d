// Over random flap sequences, two routers run the real Engine with the real FailoverIpResource
// against one OVH mock (fake clock): no OVH write ever comes from a router CARP does not call
// MASTER at that instant; at the end the IP points at the final MASTER; once stable, each
// router's calls stay within one per verify period.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FailoverIpResource } from '../../../src/resources/failover-ip/resource.js';
import { createService } from '../../../src/service/create.js';
import { FakeCarp, FakeDemotion } from '../../fakes/carp.js';
import { FakeClock } from '../../fakes/clock.js';
import { FakeFlags } from '../../fakes/flags.js';
import { captureLogger } from '../../fakes/logger.js';
import { FakeTicker } from '../../fakes/ticker.js';
import { IP, KEYS, legacyCredentials, moveWorld, routerConfig, SERVER_A, SERVER_B, vmacWorld, VMAC_A, VMAC_B, type Router } from '../../ovh-mock/fixtures.js';
import { startOvhMock } from '../../ovh-mock/server.js';
import { CountingClient, settleOvhCalls } from '../../support/ovh-inflight.js';

interface Segment {
  master: Router | null;
  durationMs: number;
  /** The change reaches the kernel while the router is reading OVH (its next GET, or 1 s later): mid-run. */
  midRun: boolean;
  /** The devd event is lost: only the periodic run notices. */
  eventLost: boolean;
}

const VERIFY_S = 60;
const FINAL_MS = 25 * 60_000;
const STABLE_WINDOW_MS = 10 * 60_000;

const segment = fc.record({
  master: fc.constantFrom<Router | null>('a', 'b', null),
  durationMs: fc.integer({ min: 500, max: 120_000 }),
  midRun: fc.boolean(),
  eventLost: fc.boolean(),
});

const scenario = fc.record({
  strategy: fc.constantFrom<'vmac' | 'move'>('vmac', 'move'),
  initial: fc.constantFrom<Router | null>('a', 'b', null),
  flaps: fc.array(segment, { minLength: 1, maxLength: 6 }),
  final: fc.constantFrom<Router>('a', 'b'),
  durations: fc.record({ initMs: fc.integer({ min: 0, max: 5000 }), todoMs: fc.integer({ min: 0, max: 10_000 }), doingMs: fc.integer({ min: 0, max: 40_000 }) }),
});

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

async function simulate(s: Scenario): Promise<void> {
  const clock = new FakeClock();
  const target = (r: Router) => (s.strategy === 'vmac' ? (r === 'a' ? VMAC_A : VMAC_B) : r === 'a' ? SERVER_A : SERVER_B);
  const init = s.strategy === 'vmac' ? vmacWorld(s.initial && target(s.initial)) : moveWorld(s.initial && target(s.initial));
  init.durations = s.durations;
  const carps: Record<Router, FakeCarp> = { a: new FakeCarp().setAll('BACKUP'), b: new FakeCarp().setAll('BACKUP') };
  const violations: string[] = [];
  /** Role changes waiting to reach a router's kernel mid-run. */
  const pendingFlip: Partial<Record<Router, () => void>> = {};
  const callerOf = (caller: string | null): Router | null => (caller?.startsWith(KEYS.a.applicationKey) ? 'a' : caller?.startsWith(KEYS.b.applicationKey) ? 'b' : null);
  const mock = await startOvhMock({
    now: () => clock.now(),
    state: init,
    onRequest: (r) => {
      const router = callerOf(r.caller);
      if (router && r.method === 'GET') pendingFlip[router]?.();
      if (r.method !== 'GET' && router && !carps[router].isMaster([{ vhid: 1, interface: 'vmx0' }])) violations.push(`${router} ${r.method} ${r.route} at ${r.at} while not MASTER`);
    },
  });
  const dir = mkdtempSync(join(tmpdir(), 'cf-ovh-flaps-'));
  const nodes = (['a', 'b'] as const).map((router) => {
    const config = routerConfig(router, s.strategy, mock.url, { verify_period_s: VERIFY_S, timeout_ms: 2000 }, { state_dir: join(dir, router), settle: { local_ms: 300, provider_ms: 3000 } });
    const logger = captureLogger('warn');
    const client = new CountingClient({ credentials: legacyCredentials(router), baseUrl: mock.url, timeoutMs: 2000, clock, log: logger.log });
    const resource = new FailoverIpResource({ config, ip: config.ovh.ips[0]!, client, clock });
    const service = createService(config, { clock, log: logger.log, carp: carps[router], demotion: new FakeDemotion(), resources: [resource], flags: new FakeFlags(), ticker: new FakeTicker(clock), random: () => 0.5 });
    return { router, engine: service.engine, client, service };
  });
  // Waits until every run has settled (no OVH call in flight) before fake time moves on.
  const quiesce = () => settleOvhCalls(() => nodes.map((n) => n.client), { maxRounds: 1000, confirmTurns: 3 });
  const advance = async (ms: number) => {
    for (let left = ms; left > 0; left -= 5000) {
      await clock.advance(Math.min(5000, left));
      await quiesce();
    }
  };
  const setMaster = (seg: Pick<Segment, 'master' | 'midRun' | 'eventLost'>) => {
    for (const node of nodes) {
      const carp = carps[node.router];
      const state = seg.master === node.router ? 'MASTER' : 'BACKUP';
      delete pendingFlip[node.router];
      if (seg.midRun) {
        const flip = () => {
          if (pendingFlip[node.router] !== flip) return;
          delete pendingFlip[node.router];
          carp.setAll(state);
        };
        pendingFlip[node.router] = flip;
        clock.setTimer(1000, flip);
      } else carp.setAll(state);
      if (!seg.eventLost) node.engine.requestReconcile('devd');
    }
  };

  try {
    await Promise.all(nodes.map((n) => n.engine.start()));
    await quiesce();
    for (const seg of s.flaps) {
      setMaster(seg);
      await advance(seg.durationMs);
    }
    setMaster({ master: s.final, midRun: false, eventLost: false });
    await advance(FINAL_MS - STABLE_WINDOW_MS);
    const before = mock.requests.length;
    await advance(STABLE_WINDOW_MS);
    const stable = mock.requests.slice(before);

    expect(violations).toEqual([]);
    const snapshot = mock.state.snapshot() as { ips: Record<string, { routedTo: string | null; vmac: string | null }> };
    const bound = s.strategy === 'vmac' ? snapshot.ips[IP]!.vmac : snapshot.ips[IP]!.routedTo;
    expect(bound).toBe(target(s.final));
    for (const router of ['a', 'b'] as const) {
      const calls = stable.filter((r) => callerOf(r.caller) === router || (r.caller === null && r.route === '/auth/time')).length;
      // ≤ one call per verify period (plus one for the window's edge)
      expect(calls).toBeLessThanOrEqual(STABLE_WINDOW_MS / (VERIFY_S * 1000) + 1);
    }
  } finally {
    for (const node of nodes) {
      const stopping = node.service.stop(0);
      await clock.advance(2000);
      await stopping;
    }
    await mock.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('failover IP over random flap sequences (real Engine, mock in process, fake clock)', () => {
  it('never writes while not MASTER, ends at the final MASTER, and stays within one call per verify period when stable', async () => {
    await fc.assert(fc.asyncProperty(scenario, simulate), { numRuns: 200 });
  }, 600_000);
});
