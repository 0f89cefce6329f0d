// Issue 14 item 12: a write whose answer was lost is never repeated blind. After a timeout or a
// reset on the DELETE (vmac), the POST (vmac) or the move, the next runs first look for the task
// the write may have started (the binding, the pending tasks) and write again only when none shows
// up within the lost-answer grace (one more client timeout and one task poll).
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../support/daemon-process.js';
import { makeRig, type Rig, type Strategy } from './support.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const ROUTES = {
  DELETE: 'DELETE /dedicated/server/{serviceName}/virtualMac/{macAddress}/virtualAddress/{ipAddress}',
  ADD: 'POST /dedicated/server/{serviceName}/virtualMac/{macAddress}/virtualAddress',
  MOVE: 'POST /ip/{ip}/move',
};

interface Case {
  name: string;
  strategy: Strategy;
  /** Where the IP starts: on the peer (a claim starts with DELETE or move) or nowhere (with POST). */
  boundTo: 'peer' | null;
  method: 'DELETE' | 'POST';
  /** Every write of a clean claim from that start, in order. */
  claim: string[];
}

const cases: Case[] = [
  { name: 'vmac DELETE', strategy: 'vmac', boundTo: 'peer', method: 'DELETE', claim: [ROUTES.DELETE, ROUTES.ADD] },
  { name: 'vmac POST', strategy: 'vmac', boundTo: null, method: 'POST', claim: [ROUTES.ADD] },
  { name: 'move POST', strategy: 'move', boundTo: 'peer', method: 'POST', claim: [ROUTES.MOVE] },
];

const durations = { initMs: 1000, todoMs: 2000, doingMs: 5000 };
/** config.ovh.timeout_ms (10 s, the default) + task_poll_ms (5 s). */
const GRACE_MS = 15_000;

async function setUp(c: Case): Promise<Rig> {
  rig = await makeRig(c.strategy, { boundTo: c.boundTo, durations });
  await rig.client.get('/auth/time'); // the fault below hits the write, not the clock sync
  return rig;
}

/** Runs as the engine would after a failed write (1 s backoff) or a requeue, until in sync. */
async function settle(r: Rig): Promise<void> {
  const results = await r.converge(60);
  expect(results.at(-1)!.steps).toEqual([]);
  expect(results.at(-1)!.wait).toBeUndefined();
  expect(r.binding()).toBe(r.ours);
}

const refusals = (r: Rig) => r.mock.requests.filter((q) => q.status !== null && q.status >= 400).map((q) => `${q.method} ${q.route} ${q.status}`);

describe.each(cases)('lost answer on the $name', (c) => {
  it('handled by OVH, answer dropped (reset after the write): the task is found and followed, no second write', async () => {
    const r = await setUp(c);
    r.mock.faults.add({ kind: 'lost', method: c.method });
    const first = await r.run();
    expect(first.error).toMatchObject({ code: 'OVH_NETWORK', transient: true });
    await r.clock.advance(1000);
    await settle(r);
    expect(r.writes()).toEqual(c.claim);
    expect(refusals(r)).toEqual([]);
    // Status shows the task it found as the one it may have started.
    expect(r.logger.lines.some((l) => l.msg === 'pending ovh task found: waiting for it' && l.mayBeOurs === true)).toBe(true);
  });

  it('reaching OVH after the client gave up (timeout): no second write while it may still land; then followed', async () => {
    const r = await setUp(c);
    let release: () => void = () => undefined;
    r.mock.faults.add({ kind: 'hold', method: c.method, release: new Promise<void>((resolve) => (release = resolve)) });
    const first = await r.run();
    expect(first.error).toMatchObject({ code: 'OVH_TIMEOUT', transient: true });
    const held = r.mock.requests.findIndex((q) => q.fault === 'hold');
    // The engine comes back within the grace: it reads, finds nothing yet, and does not write.
    for (let t = 0; t < GRACE_MS - 3000; t += 2000) {
      await r.clock.advance(2000);
      const again = await r.run();
      expect(again.error).toBeUndefined();
      expect(again.steps).toEqual([]);
      expect(again.wait).toMatch(/^looking for the task of a write whose answer was lost, until /);
    }
    expect(r.writes()).toEqual([c.claim[0]]);
    // The held request now reaches OVH and starts its task: the next run finds it.
    release();
    await waitFor('the held write to be handled', () => r.mock.requests[held]!.status !== null, 5000, 10);
    await r.clock.advance(2000);
    await settle(r);
    expect(r.writes()).toEqual(c.claim);
    expect(refusals(r)).toEqual([]);
  });

  it('never handled (reset before OVH saw it): written again once, only after the grace', async () => {
    const r = await setUp(c);
    r.mock.faults.add({ kind: 'reset', method: c.method });
    expect((await r.run()).error).toMatchObject({ code: 'OVH_NETWORK' });
    const lostAt = r.clock.now();
    await r.clock.advance(1000);
    await settle(r);
    expect(r.writes()).toEqual([c.claim[0], ...c.claim]);
    const second = r.mock.requests.filter((q) => `${q.method} ${q.route}` === c.claim[0])[1]!;
    expect(second.at - lostAt).toBeGreaterThanOrEqual(GRACE_MS);
    expect(second.at - lostAt).toBeLessThanOrEqual(GRACE_MS + 5000 + 1000);
    expect(refusals(r)).toEqual([]);
  });
});
