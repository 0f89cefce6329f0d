// Scenario 5 (issue 8): OVH faults during a failover, one after the other on one lab: (a) 5xx on
// the writes (A → B), (b) a move task stuck in doing (B → A, A's CARP back with preemption), (c)
// answers slower than the client's timeout (A → B). Each
// time the local resources (tunnels, OSPF costs) fail over regardless; the new MASTER's status
// shows the OVH error (code, message) and its calls back off (counted in the mock's log over a
// window); once the fault is cleared the IPFO converges to the MASTER.
import { describe, expect, it } from 'vitest';
import { frrUnavailable, netnsUnavailable, skipReason } from '../support/env.js';
import { carpEngineUnavailable } from './keepalived.js';
import type { ResourceStatus } from '../../src/status/model.js';
import { scenarioForFile } from './file-scenario.js';
import type { RouterId } from './plan.js';
import { ipfoBinding, localResourcesFollow, moveRequests, ovhResource, requestsSince, unsettledReason } from './scenario-helpers.js';
import { servicesSettledAsync } from './services.js';
import { readStatus } from './readouts.js';
import { ipfoRoute } from './edge.js';
import { masterOf } from './up.js';
import { waitFor } from './wait.js';

const skip = skipReason('lab e2e: OVH faults during a failover', netnsUnavailable(), frrUnavailable(), carpEngineUnavailable()) !== null;

// The lab's defaults with a short OVH client timeout (for the slow answers), a short stuck-task
// timeout, a 1 s task poll, and a backoff (1 s doubling to 10 s) under which a failing claim (five
// calls per attempt) stays within the client's own budget of 40 calls a minute: what limits the
// calls here is the engine's backoff, not that budget (which would hide the OVH error).
const OVH_TIMEOUT_MS = 1000;
const TASK_TIMEOUT_S = 5;
const BACKOFF = { initial_ms: 1000, max_ms: 10_000, factor: 2, jitter: 0.2 };
const OVERRIDES = { ovh: { timeout_ms: OVH_TIMEOUT_MS, task_timeout_s: TASK_TIMEOUT_S, task_poll_ms: 1000 }, reconcile: { backoff: BACKOFF } };
/** The window, from the first failure, in which the calls are counted. */
const WINDOW_MS = 12_000;

/** Attempts the backoff allows in `windowMs` from a failure: that one plus every retry whose
 *  shortest delays (jitter at its lowest) still fall inside (src/engine/backoff.ts). */
function attemptsAllowed(windowMs: number): number {
  let at = 0;
  let attempts = 1;
  for (let n = 1; ; n++) {
    at += Math.min(BACKOFF.max_ms, BACKOFF.initial_ms * BACKOFF.factor ** (n - 1)) * (1 - BACKOFF.jitter);
    if (at > windowMs) return attempts;
    attempts++;
  }
}
const MAX_ATTEMPTS_IN_WINDOW = attemptsAllowed(WINDOW_MS);
const IP_PATH = /\/ip\//;

describe.skipIf(skip)('lab e2e: OVH faults during a failover', () => {
  const scenario = scenarioForFile({ overrides: OVERRIDES });

  /** Runs one failover toward `to` under a fault and checks what the brief asks. */
  async function failoverUnderFault(opts: {
    name: string;
    to: RouterId;
    inject: () => void;
    act: () => Promise<void>;
    /** The OVH error the new MASTER's status must show. */
    expectError: (error: NonNullable<ResourceStatus['lastError']>) => void;
    /** Requests per attempt at most (what one failing converge of the OVH resource may call). */
    perAttempt: number;
    /** Writes per attempt at most (0 when a failing attempt never gets to write). */
    writesPerAttempt: number;
    clear: () => void;
  }): Promise<number> {
    const s = scenario();
    const { ovh } = s;
    const service = s.services[opts.to];
    opts.inject();
    const t0 = Date.now();
    await opts.act();

    // Local resources fail over whatever OVH does.
    await waitFor(`${opts.to} MASTER`, 20_000, async () => masterOf(s.run.routers)?.plan.id === opts.to && (await readStatus(service))?.role === 'MASTER', 100);
    await waitFor(`tunnels and OSPF costs following ${opts.to}`, 20_000, () => localResourcesFollow(s, opts.to), 200);
    const localAt = Date.now();

    // The OVH error in the MASTER's status.
    const failing = await waitFor(`${opts.name}: the OVH error in ${opts.to}'s status`, 30_000, async () => {
      const res = ovhResource(await readStatus(service));
      return res?.lastError ? res : null;
    }, 100);
    const firstErrorAt = Date.parse(failing.lastError!.at);
    opts.expectError(failing.lastError!);
    expect(failing.inSync).not.toBe(true);
    expect(failing.attempts).toBeGreaterThanOrEqual(1);
    expect(ipfoBinding(ovh)).not.toBe(opts.to);

    // No hammering: the calls in a window from the first failure, against what the backoff allows.
    const from = firstErrorAt;
    await waitFor('the counting window to pass', from + WINDOW_MS - Date.now() + 5000, () => Date.now() >= from + WINDOW_MS, 100);
    const inWindow = requestsSince(ovh, from, from + WINDOW_MS).filter((r) => IP_PATH.test(r.url));
    const writes = inWindow.filter((r) => r.method !== 'GET');
    const still = ovhResource(await readStatus(service));
    expect(still?.lastError?.code).toBe(failing.lastError!.code);
    expect(still?.attempts).toBeGreaterThan(failing.attempts);
    expect(inWindow.length).toBeLessThanOrEqual(MAX_ATTEMPTS_IN_WINDOW * opts.perAttempt);
    expect(writes.length).toBeLessThanOrEqual(opts.writesPerAttempt * MAX_ATTEMPTS_IN_WINDOW);
    // Still failing over locally while OVH is broken.
    expect(localResourcesFollow(s, opts.to)).toBe(true);

    const clearedAt = Date.now();
    opts.clear();
    await waitFor(`${opts.name}: the IPFO bound to ${opts.to} once cleared`, 40_000, () => ipfoBinding(ovh) === opts.to, 100);
    const boundAt = Date.now();
    await waitFor('both services settled', 30_000, () => servicesSettledAsync(Object.values(s.services)), 250).catch(async (error: unknown) => {
      throw new Error(`${(error as Error).message}: ${await unsettledReason(Object.values(s.services))}`);
    });
    expect(ipfoRoute()?.id).toBe(opts.to);
    const res = ovhResource(await readStatus(service));
    expect(res?.inSync).toBe(true);
    expect(res?.lastError).toBeNull();
    console.log(
      `${opts.name}: local failover done at +${localAt - t0} ms; OVH error in status at +${firstErrorAt - t0} ms (${failing.lastError!.code}); ` +
        `${inWindow.length} IP calls (${writes.length} writes) in ${WINDOW_MS} ms from +${from - t0} ms; bound ${boundAt - clearedAt} ms after the fault was cleared`,
    );
    return t0;
  }

  it('(a) 5xx on the writes: local failover completes, status shows OVH_HTTP 500, backoff, converges once cleared', async () => {
    const s = scenario();
    try {
      expect(masterOf(s.run.routers)?.plan.id).toBe('ra');
      expect(ipfoBinding(s.ovh)).toBe('ra');
      const t0 = await failoverUnderFault({
        name: '5xx',
        to: 'rb',
        inject: () => s.ovh.mock.faults.add({ kind: 'status', status: 500, method: 'POST', path: '/ip/{ip}/move', times: Infinity }),
        act: () => s.run.routers.ra.carp.stop(),
        expectError: (error) => {
          expect(error.code).toBe('OVH_HTTP');
          expect(error.message).toMatch(/POST \/ip\/.*\/move answered 500/);
          expect(error.details.status).toBe(500);
          expect(error.details.queryId).toMatch(/^EU\.mock-/);
        },
        // Per failing attempt: the binding, the pending tasks (three statuses), the move.
        perAttempt: 5,
        writesPerAttempt: 1,
        clear: () => s.ovh.mock.faults.clear(),
      });
      // Every move refused while the fault lasted, then exactly one accepted.
      const moves = moveRequests(s.ovh, t0).map((r) => r.status);
      expect(moves.at(-1)).toBe(200);
      expect(moves.slice(0, -1).length).toBeGreaterThanOrEqual(1);
      expect(moves.slice(0, -1).every((status) => status === 500)).toBe(true);
    } catch (error) {
      console.log(s.diagnose());
      throw error;
    }
  }, 120_000);

  it('(b) a move task stuck in doing: one write, status shows OVH_TASK_STUCK, backoff, converges when the task ends', async () => {
    const s = scenario();
    try {
      expect(ipfoBinding(s.ovh)).toBe('rb');
      const t0 = Date.now();
      await failoverUnderFault({
        name: 'stuck task',
        to: 'ra',
        inject: () => s.ovh.mock.faults.taskOutcome('stuck'),
        // Router A's CARP comes back; preemption makes it MASTER.
        act: async () => s.run.routers.ra.carp.start(),
        expectError: (error) => {
          expect(error.code).toBe('OVH_TASK_STUCK');
          expect(error.message).toMatch(/still doing after \d+ s/);
          expect(error.details.status).toBe('doing');
          expect(error.details.ours).toBe(true);
        },
        // Per failing attempt: the task, and the binding once per verify period.
        perAttempt: 2,
        writesPerAttempt: 0,
        clear: () => {
          s.ovh.mock.faults.clear();
          // OVH finishes the task at last.
          for (const task of s.ovh.mock.state.tasks.values()) if (task.outcome === 'stuck') task.outcome = 'done';
        },
      });
      // Never a second move stacked on the stuck task.
      expect(moveRequests(s.ovh, t0).map((r) => `${r.method} ${r.status}`)).toEqual(['POST 200']);
    } catch (error) {
      console.log(s.diagnose());
      throw error;
    }
  }, 120_000);

  it('(c) answers slower than the client timeout: status shows OVH_TIMEOUT, backoff, converges once cleared', async () => {
    const s = scenario();
    try {
      expect(ipfoBinding(s.ovh)).toBe('ra');
      await failoverUnderFault({
        name: 'timeouts',
        to: 'rb',
        inject: () => s.ovh.mock.faults.add({ kind: 'slow', delayMs: OVH_TIMEOUT_MS * 3, path: IP_PATH, times: Infinity }),
        act: () => s.run.routers.ra.carp.stop(),
        expectError: (error) => {
          expect(error.code).toBe('OVH_TIMEOUT');
          expect(error.message).toContain(`no complete answer within ${OVH_TIMEOUT_MS} ms`);
          expect(error.details.status).toBeNull();
        },
        // The first read times out: nothing else is called in that attempt.
        perAttempt: 1,
        writesPerAttempt: 0,
        clear: () => s.ovh.mock.faults.clear(),
      });
    } catch (error) {
      console.log(s.diagnose());
      throw error;
    }
  }, 120_000);
});
