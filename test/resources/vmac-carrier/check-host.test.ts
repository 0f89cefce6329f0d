// check-config --host, router side of shared-vmac: the carrier interface against FreeBSD-format
// ifconfig output (fake-link.ts).
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.js';
import { checkVmacCarrierHost } from '../../../src/resources/vmac-carrier/check-host.js';
import { FakeLink } from './fake-link.js';

const config = (extra: Record<string, unknown> = {}) =>
  configSchema.parse({
    node: 'router-002',
    carp: { vhids: [{ vhid: 1, interface: 'vtnet0' }] },
    ovh: { ips: [{ ip: '192.0.2.10/32', strategy: 'shared-vmac', service: 'ns3000000.ip-198-51-100.eu', vmac: '02:00:00:ff:3e:98', interface: 'vtnet1', vm_name: 'routers', ...extra }] },
  });

describe('checkVmacCarrierHost', () => {
  it('ok: the interface exists, its own MAC is known, the IPFO is a plain alias', async () => {
    const link = new FakeLink();
    expect(await checkVmacCarrierHost(config(), link.host())).toEqual([
      { name: 'vMAC carrier vtnet1', ok: true, level: 'error', message: 'ether 58:9c:fc:00:02:01, own MAC 58:9c:fc:00:02:01, UP' },
      { name: 'failover IP 192.0.2.10 on vtnet1', ok: true, level: 'error', message: 'plain alias: announced from the vMAC when it moves here' },
    ]);
  });

  it('while carrying: the own MAC comes from the hwaddr line', async () => {
    const link = new FakeLink();
    link.ether = '02:00:00:ff:3e:98';
    const [carrier] = await checkVmacCarrierHost(config(), link.host());
    expect(carrier!.message).toBe('ether 02:00:00:ff:3e:98 (carrying the shared vMAC), own MAC 58:9c:fc:00:02:01, UP');
  });

  it('the IPFO as a CARP address is an error naming why; missing is a warning with the rc.conf line', async () => {
    const link = new FakeLink();
    link.inet = [{ ip: '192.0.2.10', mask: '0xffffffff', vhid: 3 }];
    const [, carp] = await checkVmacCarrierHost(config(), link.host());
    expect(carp).toMatchObject({ ok: false, level: 'error' });
    expect(carp!.message).toMatch(/is a CARP address \(vhid 3\).*00:00:5e:00:01:03; make it a plain alias/);
    link.inet = [];
    const [, missing] = await checkVmacCarrierHost(config(), link.host());
    expect(missing).toMatchObject({ ok: false, level: 'warning' });
    expect(missing!.message).toContain('ifconfig_vtnet1_alias0="inet 192.0.2.10/32"');
  });

  it('missing interface, and a carrier with no hwaddr and no restore_mac, are errors', async () => {
    const gone = new FakeLink();
    gone.exists = false;
    expect(await checkVmacCarrierHost(config(), gone.host())).toEqual([{ name: 'vMAC carrier vtnet1', ok: false, level: 'error', message: "does not exist: ovh.ips[].interface must be this router's interface on the hypervisor's bridge" }]);
    const vlan = new FakeLink('vtnet1', null);
    vlan.ether = '02:00:00:ff:3e:98';
    const [carrier] = await checkVmacCarrierHost(config(), vlan.host());
    expect(carrier).toMatchObject({ ok: false, message: expect.stringContaining('set ovh.ips[].restore_mac') });
    const [withRestore] = await checkVmacCarrierHost(config({ restore_mac: '02:00:00:00:0a:01' }), vlan.host());
    expect(withRestore).toMatchObject({ ok: true, message: expect.stringContaining('own MAC 02:00:00:00:0a:01') });
  });

  it('nothing to check without shared-vmac', async () => {
    const c = config();
    expect(await checkVmacCarrierHost({ ...c, ovh: { ...c.ovh, ips: [] } }, new FakeLink().host())).toEqual([]);
  });
});
