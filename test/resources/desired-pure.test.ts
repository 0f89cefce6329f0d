// desired() is pure (issue 12, "no mastership inference left in resources"): called twice with the
// same context, however far apart, it answers the same and changes nothing the resource would act
// on later: no OVH call, no status change, the same observation and plan afterwards.
import { afterEach, describe, expect, it } from 'vitest';
import { GreResource } from '../../src/resources/gre/gre-resource.js';
import { createOspfResources } from '../../src/resources/ospf/resource.js';
import { VmacCarrierResource } from '../../src/resources/vmac-carrier/resource.js';
import { FakeHost } from '../fakes/host.js';
import { desiredContext } from '../fakes/mastership.js';
import { makeRig, type Rig } from './failover-ip/support.js';
import { ospfConfig } from './ospf/config.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const contexts = [
  desiredContext('MASTER'),
  desiredContext('MASTER', { epoch: 7, since: 1_000 }),
  desiredContext('BACKUP'),
  desiredContext('BACKUP', { draining: true, keepPath: true }),
];

describe('desired() is pure', () => {
  it.each(['move', 'vmac', 'shared-vmac'] as const)('failover IP (%s): twice, an hour apart, same answer; no OVH call; status and the next run unchanged', async (strategy) => {
    rig = await makeRig(strategy, { boundTo: 'ours' });
    await rig.converge(5); // a cache, a gate and a mastership to disturb, if desired() could
    const requests = rig.mock.requests.length;
    const status = rig.status();
    for (const context of contexts) {
      const first = rig.resource.desired(context);
      await rig.clock.advance(3_600_000);
      expect(rig.resource.desired(context)).toEqual(first);
    }
    expect(rig.mock.requests.length).toBe(requests);
    // Status reads the clock (task ages) only through what it shows: nothing of it moved but time.
    expect({ ...rig.status(), calls: null }).toEqual({ ...status, calls: null });
    expect(rig.status().calls).toEqual(status.calls);
    // And desired() told the resource nothing: the next run is the one it would have been.
    const next = await rig.run();
    expect(next.steps).toEqual([]);
    expect(next.error).toBeUndefined();
  });

  it('GRE and OSPF: twice, same answer, no command run', () => {
    const host = new FakeHost();
    const gre = new GreResource({ interface: 'gre0', mode: 'follow-carp', create: false }, { host, ifconfig: '/sbin/ifconfig' });
    const ospf = createOspfResources(ospfConfig({ interfaces: [{ interface: 'gre0', cost: { master: 10, backup: 1000 } }] }), host)[0]!;
    for (const context of contexts) {
      expect(gre.desired(context)).toEqual(gre.desired(context));
      expect(ospf.desired(context)).toEqual(ospf.desired(context));
    }
    expect(gre.desired(contexts[3]!)).toMatchObject({ up: true }); // keepPath
    expect(ospf.desired(contexts[3]!)).toEqual({ cost: 1000 });
    expect(host.calls).toEqual([]);
  });

  it('the vMAC carrier: twice, same answer, no command run; carries on MASTER and while keeping the path', () => {
    const host = new FakeHost();
    const ip = { ip: '192.0.2.10/32', strategy: 'shared-vmac' as const, service: 's', vmac: '02:00:00:ff:3e:98', interface: 'vtnet1', vm_name: 'routers', restore_mac: null };
    const carrier = new VmacCarrierResource(ip, { host, ifconfig: '/sbin/ifconfig' });
    for (const context of contexts) expect(carrier.desired(context)).toEqual(carrier.desired(context));
    expect(contexts.map((c) => carrier.desired(c).carry)).toEqual([true, true, false, true]);
    expect(host.calls).toEqual([]);
  });
});
