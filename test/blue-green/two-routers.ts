// The starting point of most drain scenarios: a has been serving alone (MASTER, the failover IP
// bound to it), b joined later; both converged, boot hold-downs released, nothing written yet.
import { expect } from 'vitest';
import { makeWorld, resource, type Node, type Strategy, type World } from './rig.js';

/** Builds the world and both routers in that state; asserts it, so every scenario starts clean. */
export async function twoRouters(strategy: Strategy, ovh: Record<string, unknown> = {}): Promise<{ w: World; a: Node; b: Node }> {
  const w = await makeWorld({ strategy, boundTo: 'a', master: 'a', ovh });
  try {
    // Started together, b would preempt a while a's boot hold-down demotes it, and a would take
    // MASTER back after: a failover dance, not the steady state these scenarios start from.
    const a = await w.node('a');
    const b = await w.node('b', { up: false });
    await a.engine.start();
    await w.run(10_000);
    w.kernel.setUp('b', true);
    await b.engine.start();
    await w.run(10_000);
    expect(a.report()).toMatchObject({ role: 'MASTER', flags: { drain: false, freeze: false }, drain: null, readiness: { ready: true } });
    expect(b.report().role).toBe('BACKUP');
    expect(a.demotion.ours).toEqual({ boot: 0, maintenance: 0, readiness: 0, path: 0, failback: 0 });
    expect(resource(a.report(), 'ovh')).toMatchObject({ inSync: true, detail: { kind: 'ovh', binding: { ours: true } } });
    // Everything already was as the roles want it: nobody changed anything.
    expect([...a.host.writes(), ...b.host.writes()]).toEqual([]);
    expect(w.mock.writes()).toEqual([]);
    expect(w.binding()).toBe(w.target('a'));
    return { w, a, b };
  } catch (error) {
    await w.close();
    throw error;
  }
}

/** What the peer's claim writes at OVH, per strategy (the vMAC claim moves the IP off a's vMAC first). */
export const CLAIM_WRITES: Record<Strategy, string[]> = {
  vmac: ['DELETE /dedicated/server/{serviceName}/virtualMac/{macAddress}/virtualAddress/{ipAddress}', 'POST /dedicated/server/{serviceName}/virtualMac/{macAddress}/virtualAddress'],
  move: ['POST /ip/{ip}/move'],
};
