// Blue/green drain at the engine level (issue 7's acceptance): two routers, each the real Engine
// with the real GRE, OSPF and OVH failover-IP resources over fake hosts, one OVH mock and one
// elected CARP kernel on a fake clock (rig.ts). The peer's claim of the failover IP is the peer's
// own Engine calling the mock after the kernel made it MASTER.
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { drainHint } from '../../src/status/drain.js';
import type { StatusReport } from '../../src/status/model.js';
import { IP } from '../ovh-mock/fixtures.js';
import { COST } from './host.js';
import { resource, unmet, type Node, type World } from './rig.js';
import { CLAIM_WRITES, twoRouters } from './two-routers.js';

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
  boundHere: boolean;
}

function snapshot(w: World, a: Node): Snapshot {
  return {
    at: w.clock.now(),
    report: a.report(),
    carpBackup: w.kernel.master !== 'a',
    costBackup: a.host.state.cost === COST.backup,
    greDown: !a.host.state.greUp,
    boundToPeer: w.binding() === w.target('b'),
    boundHere: w.binding() === w.target('a'),
  };
}

describe.each(['vmac', 'move'] as const)('drain → drained (%s)', (strategy) => {
  it('is drained only once vhids, OSPF, GRE and the failover IP all followed the peer; no OVH write from the drained node', async () => {
    const { w, a, b } = await twoRouters(strategy);
    world = w;
    const drainRequestedAt = w.clock.now();
    const first = await a.api.setFlag('drain', true);

    // The flag is on disk and the maintenance contribution is applied by the run setFlag waited for.
    expect(a.flags.get()).toEqual({ drain: true, freeze: false });
    expect(await a.flags.meta('drain')).toMatchObject({ who: 'control socket' });
    expect(a.demotion.history('maintenance')).toEqual([0, a.config.carp.demotion.maintenance]);
    expect(a.demotion.total).toBe(240);
    expect(first.flags.drain).toBe(true);
    expect(first.drain!.drained).toBe(false);
    expect(first.drain!.conditions.find((c) => c.name === 'demotion')).toMatchObject({ met: true, detail: 'maintenance demotion 240 applied (net.inet.carp.demotion 240)' });
    // The kernel answers at once here, so the answer may already come from the run that saw
    // BACKUP; either way nothing has followed yet: the local settle time has not passed.
    expect(unmet(first).filter((name) => name !== 'vhids')).toEqual([OVH_ID, 'ospf:gre0', 'gre:gre0']);
    // The failover IP still points here: the tunnel is kept up for it (keepPath), the cost is not.
    expect(resource(first, 'gre')).toMatchObject({ desired: { up: true }, waiting: 'settling' });
    expect(resource(first, 'ospf')).toMatchObject({ desired: { cost: COST.backup }, inSync: false, waiting: 'settling' });
    // The demotion made the peer preempt, as the kernel would.
    expect(w.kernel.master).toBe('b');
    const leftMasterAt = w.kernel.elections.at(-1)!.at;
    expect(leftMasterAt).toBeGreaterThanOrEqual(drainRequestedAt);

    const snapshots: Snapshot[] = [];
    await w.run(120_000, () => snapshots.push(snapshot(w, a)));

    const drained = snapshots.filter((s) => s.report.drain!.drained);
    expect(drained.length).toBeGreaterThan(0);
    // Drained is never said before the world agrees, and stays said once true.
    for (const s of drained) expect(s).toMatchObject({ carpBackup: true, costBackup: true, greDown: true, boundToPeer: true });
    const firstDrained = snapshots.indexOf(drained[0]!);
    expect(snapshots.slice(firstDrained).every((s) => s.report.drain!.drained)).toBe(true);
    // OSPF followed within the local settle time; the tunnel stayed up while OVH still routed the
    // IP here (never break a path OVH still uses) and went down once a read of the binding said it
    // left (vmac: off our vMAC, before the peer's add), within a task poll; meanwhile the IP and
    // its kept path were the only unmet conditions.
    const costAt = snapshots.find((s) => s.costBackup)!.at;
    const greDownAt = snapshots.find((s) => s.greDown)!.at;
    const leftAt = snapshots.find((s) => !s.boundHere)!.at;
    const boundAt = snapshots.find((s) => s.boundToPeer)!.at;
    expect(costAt - leftMasterAt).toBeLessThanOrEqual(1000);
    expect(greDownAt).toBeGreaterThanOrEqual(leftAt);
    expect(greDownAt - leftAt).toBeLessThanOrEqual(a.config.ovh.task_poll_ms + 1000);
    const pathKept = snapshots.filter((s) => unmet(s.report).join() === [OVH_ID, 'gre:gre0'].join());
    expect(pathKept.some((s) => !s.boundToPeer && !s.greDown)).toBe(true);
    expect(pathKept[0]!.at).toBeGreaterThanOrEqual(costAt);
    expect(drained[0]!.at).toBeGreaterThanOrEqual(boundAt);
    expect(drained[0]!.at - boundAt).toBeLessThanOrEqual(a.config.reconcile.period_s * 1000);

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
    expect(w.ovhWrites('b').map((r) => `${r.method} ${r.route}`)).toEqual(CLAIM_WRITES[strategy]);
    expect(b.report()).toMatchObject({ role: 'MASTER', flags: { drain: false } });
    expect(b.host.writes()).toEqual(['/sbin/ifconfig gre0 up', `/usr/local/bin/vtysh -c configure terminal -c interface gre0 -c ip ospf cost ${COST.master}`]);
  });
});

describe('drain → drained, with a long OVH verify period', () => {
  it.each(['vmac', 'move'] as const)('%s: is confirmed within a reconcile period of the IP landing at the peer, not a verify period later', async (strategy) => {
    // 900 s between verifications while MASTER (fewer API calls) is a valid setting; drain --wait
    // gives up after 600 s by default.
    const { w, a } = await twoRouters(strategy, { verify_period_s: 900 });
    world = w;
    await w.run(100_000); // the last verification as MASTER is 100 s old: 800 s of cache left
    const drainAt = w.clock.now();
    await a.api.setFlag('drain', true);
    let boundAt: number | null = null;
    let drainedAt: number | null = null;
    await w.run(300_000, () => {
      if (boundAt === null && w.binding() === w.target('b')) boundAt = w.clock.now();
      if (drainedAt === null && a.report().drain!.drained) drainedAt = w.clock.now();
    });
    expect(boundAt).not.toBeNull();
    expect(drainedAt).not.toBeNull();
    expect(drainedAt! - boundAt!).toBeLessThanOrEqual(a.config.reconcile.period_s * 1000);
    expect(w.ovhWrites('a')).toEqual([]);
    // Waiting for the peer costs at most one binding read per task poll period (a vMAC read is
    // the last owner, the list and each vMAC: at most 4 calls here).
    const reads = w.mock.requests.filter((r) => r.caller?.startsWith('ak-router-a') && r.at >= drainAt && r.at <= drainedAt!);
    const perRead = strategy === 'vmac' ? 4 : 1;
    expect(reads.length).toBeLessThanOrEqual(((drainedAt! - drainAt) / a.config.ovh.task_poll_ms + 1) * perRead);
  });
});

describe('undrain', () => {
  it('removes the flag file and the maintenance contribution; the preferred router takes MASTER and the failover IP back', async () => {
    const { w, a, b } = await twoRouters('vmac');
    world = w;
    await a.api.setFlag('drain', true);
    await w.run(120_000);
    expect(a.report().drain!.drained).toBe(true);
    const writesWhileDrained = a.host.writes().length;

    const report = await a.api.setFlag('drain', false);
    expect(report.flags).toEqual({ drain: false, freeze: false });
    expect(report.drain).toBeNull();
    expect(existsSync(a.flags.pathOf('drain'))).toBe(false);
    expect(a.demotion.history('maintenance')).toEqual([0, 240, 0]);
    expect(a.demotion.ours.maintenance).toBe(0);
    expect(a.demotion.total).toBe(0);
    expect(report.demotion.ours.maintenance).toBe(0);
    // a advertises better again (advskew 0 against b's 100): with preempt it takes MASTER back.
    expect(w.kernel.master).toBe('a');
    const backAt = w.kernel.elections.at(-1)!.at;

    await w.run(60_000);
    const final = a.report();
    expect(final).toMatchObject({ role: 'MASTER', flags: { drain: false }, drain: null, readiness: { ready: true } });
    expect(final.resources.map((r) => [r.id, r.inSync, r.waiting])).toEqual([
      ['gre:gre0', true, null],
      ['ospf:gre0', true, null],
      [OVH_ID, true, null],
    ]);
    expect(a.host.writes().slice(writesWhileDrained)).toEqual(['/sbin/ifconfig gre0 up', `/usr/local/bin/vtysh -c configure terminal -c interface gre0 -c ip ospf cost ${COST.master}`]);
    expect(w.ovhWrites('a', backAt).map((r) => `${r.method} ${r.route}`)).toEqual(CLAIM_WRITES.vmac);
    expect(w.binding()).toBe(w.target('a'));
    expect(b.report().role).toBe('BACKUP');
    expect(b.host.state).toEqual({ greUp: false, cost: COST.backup });
  });
});
