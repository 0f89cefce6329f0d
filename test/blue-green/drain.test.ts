// Blue/green drain at the engine level (issue 7's acceptance): two routers, each the real Engine
// with the real GRE, OSPF and OVH failover-IP resources over fake hosts, one OVH mock and one
// elected CARP kernel on a fake clock (rig.ts). The peer's claim of the failover IP is the peer's
// own Engine calling the mock after the kernel made it MASTER.
import { afterEach, describe, expect, it } from 'vitest';
import { drainHint } from '../../src/status/drain.js';
import type { StatusReport } from '../../src/status/model.js';
import { IP } from '../ovh-mock/fixtures.js';
import { COST } from './host.js';
import { makeWorld, resource, unmet, type Node, type World } from './rig.js';

const OVH_ID = `ovh:${IP}`;
const CONFIGURE_BACKUP_COST = `/usr/local/bin/vtysh -c configure terminal -c interface gre0 -c ip ospf cost ${COST.backup}`;
const GRE_DOWN = '/sbin/ifconfig gre0 down';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** The world as it really is (not as status says) at one step, next to a's report. */
interface Snapshot {
  at: number;
  report: StatusReport;
  carpBackup: boolean;
  costBackup: boolean;
  greDown: boolean;
  boundToPeer: boolean;
}

function snapshot(w: World, a: Node): Snapshot {
  return {
    at: w.clock.now(),
    report: a.report(),
    carpBackup: w.kernel.master !== 'a',
    costBackup: a.host.state.cost === COST.backup,
    greDown: !a.host.state.greUp,
    boundToPeer: w.binding() === w.target('b'),
  };
}

/** Both routers started; a is MASTER with the failover IP, everything converged, boot released. */
async function twoRouters(strategy: 'vmac' | 'move'): Promise<{ w: World; a: Node; b: Node }> {
  const w = (world = await makeWorld({ strategy, boundTo: 'a', master: 'a' }));
  // a has been serving alone; b joins later. (Started together, b would preempt a while a's
  // boot hold-down demotes it, and a would take MASTER back after: not the steady state wanted.)
  const a = w.node('a');
  const b = w.node('b', { up: false });
  await a.engine.start();
  await w.run(10_000);
  w.kernel.setUp('b', true);
  await b.engine.start();
  await w.run(10_000);
  expect(a.report()).toMatchObject({ role: 'MASTER', flags: { drain: false, freeze: false }, drain: null, readiness: { ready: true } });
  expect(b.report().role).toBe('BACKUP');
  expect(a.demotion.ours).toEqual({ boot: 0, maintenance: 0, readiness: 0 });
  expect(resource(a.report(), 'ovh')).toMatchObject({ inSync: true, extra: { binding: { ours: true } } });
  // Everything already was as the roles want it: nobody changed anything.
  expect([...a.host.writes(), ...b.host.writes()]).toEqual([]);
  expect(w.mock.writes()).toEqual([]);
  expect(w.binding()).toBe(w.target('a'));
  return { w, a, b };
}

describe.each(['vmac', 'move'] as const)('drain → drained (%s)', (strategy) => {
  it('is drained only once vhids, OSPF, GRE and the failover IP all followed the peer; no OVH write from the drained node', async () => {
    const { w, a, b } = await twoRouters(strategy);
    const drainedAt = w.clock.now();
    const first = await a.api.setFlag('drain', true);

    // The flag is on disk and the maintenance contribution is applied by the run setFlag waited for.
    expect(a.flags.get()).toEqual({ drain: true, freeze: false });
    expect(a.flags.meta('drain')).toMatchObject({ who: 'control socket' });
    expect(a.demotion.history('maintenance')).toEqual([0, a.config.carp.demotion.maintenance]);
    expect(a.demotion.total).toBe(240);
    expect(first.flags.drain).toBe(true);
    expect(first.drain!.drained).toBe(false);
    expect(first.drain!.conditions.find((c) => c.name === 'demotion')).toMatchObject({ met: true, detail: 'maintenance demotion 240 applied (net.inet.carp.demotion 240)' });
    // The kernel answers at once here, so the answer may already come from the run that saw
    // BACKUP; either way nothing has followed yet: the local settle time has not passed.
    expect(unmet(first).filter((name) => name !== 'vhids')).toEqual([OVH_ID, 'ospf:gre0', 'gre:gre0']);
    expect(resource(first, 'gre')).toMatchObject({ desired: { up: false }, inSync: false, waiting: 'settling' });
    expect(resource(first, 'ospf')).toMatchObject({ desired: { cost: COST.backup }, inSync: false, waiting: 'settling' });
    // The demotion made the peer preempt, as the kernel would.
    expect(w.kernel.master).toBe('b');
    const leftMasterAt = w.kernel.elections.at(-1)!.at;
    expect(leftMasterAt).toBeGreaterThanOrEqual(drainedAt);

    const snapshots: Snapshot[] = [];
    await w.run(120_000, () => snapshots.push(snapshot(w, a)));

    const drained = snapshots.filter((s) => s.report.drain!.drained);
    expect(drained.length).toBeGreaterThan(0);
    // Drained is never said before the world agrees, and stays said once true.
    for (const s of drained) expect(s).toMatchObject({ carpBackup: true, costBackup: true, greDown: true, boundToPeer: true });
    const firstDrained = snapshots.indexOf(drained[0]!);
    expect(snapshots.slice(firstDrained).every((s) => s.report.drain!.drained)).toBe(true);
    // The local resources followed within the local settle; the failover IP came last, and for
    // a while it was the only thing missing.
    const onlyOvh = snapshots.filter((s) => unmet(s.report).join() === OVH_ID);
    expect(onlyOvh.length).toBeGreaterThan(0);
    expect(onlyOvh.every((s) => !s.boundToPeer || s.at < drained[0]!.at)).toBe(true);
    expect(snapshots.find((s) => s.boundToPeer)!.at).toBeLessThanOrEqual(drained[0]!.at);
    expect(snapshots.find((s) => s.costBackup && s.greDown)!.at).toBeLessThan(onlyOvh[0]!.at + 1);

    const last = a.report();
    expect(last.role).toBe('BACKUP');
    expect(last.drain!.conditions).toEqual([
      { name: 'vhids', met: true, detail: 'all BACKUP here (1@vmx0)' },
      { name: 'demotion', met: true, detail: 'maintenance demotion 240 applied (net.inet.carp.demotion 240)' },
      { name: OVH_ID, met: true, detail: `bound to ${w.target('b')}` },
      { name: 'ospf:gre0', met: true, detail: `OSPF cost at its BACKUP value ({"cost":${COST.backup}})` },
      { name: 'gre:gre0', met: true, detail: 'tunnel at its BACKUP value ({"interface":"gre0","up":false,"create":false})' },
    ]);
    expect(drainHint(last.drain!, last)).toBeNull();
    // The exact commands: the OSPF cost first (traffic leaves before the tunnel goes), then GRE.
    expect(a.host.writes()).toEqual([CONFIGURE_BACKUP_COST, GRE_DOWN]);
    // The drained node never called OVH to write; the peer made exactly its claim.
    expect(w.ovhWrites('a', leftMasterAt)).toEqual([]);
    expect(w.ovhWrites('a')).toEqual([]);
    expect(w.ovhWrites('b').map((r) => `${r.method} ${r.route}`)).toEqual(
      strategy === 'vmac'
        ? ['DELETE /dedicated/server/{serviceName}/virtualMac/{macAddress}/virtualAddress/{ipAddress}', 'POST /dedicated/server/{serviceName}/virtualMac/{macAddress}/virtualAddress']
        : ['POST /ip/{ip}/move'],
    );
    expect(b.report()).toMatchObject({ role: 'MASTER', flags: { drain: false } });
    expect(b.host.writes()).toEqual(['/sbin/ifconfig gre0 up', `/usr/local/bin/vtysh -c configure terminal -c interface gre0 -c ip ospf cost ${COST.master}`]);
  });
});
