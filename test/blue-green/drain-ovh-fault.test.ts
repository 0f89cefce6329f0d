// Drain during an OVH fault: CARP, OSPF and GRE follow the peer at once, but the peer's claim of
// the failover IP fails at the mock. The drained node must not be called drained until the IP
// really points at the peer, and must never write to OVH itself; once the fault clears, the
// peer's own retries land the claim and the drain is confirmed.
import { afterEach, describe, expect, it } from 'vitest';
import { drainHint } from '../../src/status/drain.js';
import type { FaultRule } from '../ovh-mock/faults.js';
import { IP } from '../ovh-mock/fixtures.js';
import { COST } from './host.js';
import { resource, unmet, type Strategy, type World } from './rig.js';
import { CLAIM_WRITES, twoRouters } from './two-routers.js';

const OVH_ID = `ovh:${IP}`;

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

interface FaultCase {
  name: string;
  strategy: Strategy;
  inject: (w: World) => void;
  /** The peer's converge error while the fault lasts. */
  peerError: string;
  /** Where the IP is bound while the fault lasts: a's target, or nowhere (null). */
  boundDuringFault: 'a' | null;
}

const cases: FaultCase[] = [
  {
    name: '500 on the peer\'s POST /ip/{ip}/move',
    strategy: 'move',
    inject: (w) => w.mock.faults.add({ kind: 'status', status: 500, method: 'POST', times: Infinity } satisfies FaultRule),
    peerError: 'OVH_HTTP',
    boundDuringFault: 'a',
  },
  {
    name: 'the peer\'s vMAC task ends in ovhError',
    strategy: 'vmac',
    inject: (w) => w.mock.faults.taskOutcome('ovhError'),
    peerError: 'OVH_TASK_FAILED',
    boundDuringFault: 'a',
  },
  {
    name: '503 on the peer\'s POST virtualAddress, after its DELETE took the IP off a\'s vMAC',
    strategy: 'vmac',
    inject: (w) => w.mock.faults.add({ kind: 'status', status: 503, method: 'POST', times: Infinity } satisfies FaultRule),
    peerError: 'OVH_HTTP',
    boundDuringFault: null,
  },
];

describe.each(cases)('drain during an OVH fault: $name', ({ strategy, inject, peerError, boundDuringFault }) => {
  it('is not drained while the IP is not at the peer, though CARP and OSPF followed; GRE stays up while the IP points here; drained once the claim lands', async () => {
    const { w, a, b } = await twoRouters(strategy);
    world = w;
    inject(w);
    await a.api.setFlag('drain', true);
    expect(w.kernel.master).toBe('b');

    const during: Array<{ drained: boolean; boundToPeer: boolean }> = [];
    await w.run(90_000, () => during.push({ drained: a.report().drain!.drained, boundToPeer: w.binding() === w.target('b') }));
    expect(during.every((s) => !s.drained && !s.boundToPeer)).toBe(true);
    expect(w.binding()).toBe(boundDuringFault === null ? null : w.target(boundDuringFault));

    const report = a.report();
    expect(report.role).toBe('BACKUP');
    // Never break a path OVH still uses: while the IP is bound here the tunnel stays up (for at
    // most ovh.keep_path_s, by default task_timeout_s = 300 s); the cost follows the role at once.
    const kept = boundDuringFault === 'a';
    expect(a.host.state).toEqual({ greUp: kept, cost: COST.backup });
    // Everything but the failover IP (and the path kept for it) followed; the IP's condition says where it is.
    expect(unmet(report)).toEqual(kept ? [OVH_ID, 'gre:gre0'] : [OVH_ID]);
    const ovh = report.drain!.conditions.find((c) => c.name === OVH_ID)!;
    expect(ovh.detail).toBe(boundDuringFault === null ? 'bound nowhere: the peer has not claimed it yet' : `still bound here (${w.target('a')})`);
    expect(drainHint(report.drain!, report)).toMatch(new RegExp(`^${OVH_ID.replace(/[./]/g, '\\$&')}: the peer's OVH claim has not landed`));
    // The peer tried and failed, and says why.
    const peerOvh = resource(b.report(), 'ovh');
    expect(b.report().role).toBe('MASTER');
    expect(peerOvh.lastError?.code).toBe(peerError);
    expect(peerOvh.errorCounts[peerError]).toBeGreaterThan(0);

    w.mock.faults.clear();
    const clearedAt = w.clock.now();
    await w.run(240_000);
    const final = a.report();
    expect(final.drain!.drained).toBe(true);
    expect(a.host.state).toEqual({ greUp: false, cost: COST.backup });
    expect(final.drain!.conditions.find((c) => c.name === OVH_ID)).toEqual({ name: OVH_ID, met: true, detail: `bound to ${w.target('b')}` });
    expect(w.binding()).toBe(w.target('b'));
    // The drained node never wrote to OVH, before, during or after the fault.
    expect(w.ovhWrites('a')).toEqual([]);
    // After the fault, the peer finished its claim with no more writes than a claim takes.
    const after = w.ovhWrites('b', clearedAt).map((r) => `${r.method} ${r.route}`);
    expect(CLAIM_WRITES[strategy].slice(-after.length)).toEqual(after);
    expect(after.length).toBeGreaterThan(0);
  });
});
