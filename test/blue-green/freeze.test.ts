// Freeze: hands off during a provider incident. While frozen the node observes and reports, but
// role changes (MASTER → BACKUP → MASTER, made by the kernel when a link-down demotion comes and
// goes) change nothing: no ifconfig up/down, no vtysh configure, no OVH write. Thaw converges.
import { afterEach, describe, expect, it } from 'vitest';
import { IP } from '../ovh-mock/fixtures.js';
import { COST } from './host.js';
import type { StatusReport } from '../../src/status/model.js';
import { resource, type World } from './rig.js';
import { CLAIM_WRITES, twoRouters } from './two-routers.js';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** id, inSync and waiting of every resource, for compact assertions. */
const view = (report: StatusReport) => report.resources.map((r) => [r.id, r.inSync, r.waiting]);

describe('freeze', () => {
  it('makes zero writes through MASTER → BACKUP → MASTER, reports each difference as frozen, and converges on thaw', async () => {
    const { w, a, b } = await twoRouters('vmac');
    world = w;
    const frozen = await a.api.setFlag('freeze', true);
    expect(frozen.flags).toEqual({ drain: false, freeze: true });
    expect(a.flags.get().freeze).toBe(true);
    const frozenAt = w.clock.now();
    const hostCalls = a.host.host.calls.length;

    // A carp interface's link goes down: the kernel adds 240 to a's demotion, b preempts.
    w.kernel.setBase('a', 240);
    expect(w.kernel.master).toBe('b');
    await w.run(60_000);
    const asBackup = a.report();
    expect(asBackup).toMatchObject({ role: 'BACKUP', flags: { freeze: true } });
    expect(view(asBackup)).toEqual([
      ['gre:gre0', false, 'frozen'],
      ['ospf:gre0', false, 'frozen'],
      [`ovh:${IP}`, null, 'not master'],
    ]);
    expect(resource(asBackup, 'gre').actual).toMatchObject({ up: true });
    expect(resource(asBackup, 'ospf').actual).toMatchObject({ cost: COST.master });
    // The peer was not frozen: it took the tunnel, the cost and the failover IP.
    expect(w.binding()).toBe(w.target('b'));
    expect(b.host.state).toEqual({ greUp: true, cost: COST.master });

    // The link comes back: a advertises better again and preempts; still frozen.
    w.kernel.setBase('a', 0);
    expect(w.kernel.master).toBe('a');
    await w.run(60_000);
    const asMaster = a.report();
    expect(asMaster).toMatchObject({ role: 'MASTER', flags: { freeze: true } });
    // GRE and OSPF never moved, so they match MASTER again; the IP is at b and stays there.
    expect(view(asMaster)).toEqual([
      ['gre:gre0', true, null],
      ['ospf:gre0', true, null],
      [`ovh:${IP}`, false, 'frozen'],
    ]);
    expect(resource(asMaster, 'ovh').detail).toMatchObject({ binding: { target: w.target('b'), ours: false } });

    // Zero writes while frozen, though it kept observing.
    expect(a.host.writes()).toEqual([]);
    expect(a.host.state).toEqual({ greUp: true, cost: COST.master });
    expect(w.ovhWrites('a', frozenAt)).toEqual([]);
    expect(a.host.host.calls.length).toBeGreaterThan(hostCalls + 10);
    expect(a.host.host.calls.slice(hostCalls).every((argv) => argv.length === 2 || argv.includes('show ip ospf interface gre0 json'))).toBe(true);

    const thawed = await a.api.setFlag('freeze', false);
    expect(thawed.flags).toEqual({ drain: false, freeze: false });
    const thawedAt = w.clock.now();
    await w.run(60_000);
    expect(view(a.report())).toEqual([
      ['gre:gre0', true, null],
      ['ospf:gre0', true, null],
      [`ovh:${IP}`, true, null],
    ]);
    expect(w.ovhWrites('a', thawedAt).map((r) => `${r.method} ${r.route}`)).toEqual(CLAIM_WRITES.vmac);
    expect(w.binding()).toBe(w.target('a'));
    expect(a.host.writes()).toEqual([]); // the tunnel and the cost were already right for MASTER
  });
});
