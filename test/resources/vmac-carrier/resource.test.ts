// The carrier resource end to end against a FreeBSD-format interface (fake-link.ts): observe →
// plan → apply as the engine runs it, the exact commands, the gratuitous ARPs the kernel would
// send, keepPath, the typed status, and hostile config refused when built.
import { describe, expect, it } from 'vitest';
import { configSchema, type SharedVmacConfig } from '../../../src/config/schema.js';
import type { DesiredContext, ResourceContextV2 } from '../../../src/resources/contract.js';
import type { TargetRole } from '../../../src/model.js';
import { createVmacCarriers, VmacCarrierResource } from '../../../src/resources/vmac-carrier/resource.js';
import { FakeClock } from '../../fakes/clock.js';
import { captureLogger } from '../../fakes/logger.js';
import { FakeLink, IFCONFIG } from './fake-link.js';

const VMAC = '02:00:00:ff:3e:98';
const HW = '58:9c:fc:00:02:01';

function sharedIp(overrides: Record<string, unknown> = {}): SharedVmacConfig {
  const config = configSchema.parse({
    node: 'router-002',
    carp: { vhids: [{ vhid: 1, interface: 'vtnet0' }] },
    ovh: { ips: [{ ip: '192.0.2.10/32', strategy: 'shared-vmac', service: 'ns3000000.ip-198-51-100.eu', vmac: VMAC, interface: 'vtnet1', vm_name: 'routers', ...overrides }] },
  });
  return config.ovh.ips[0] as SharedVmacConfig;
}

function rig(link = new FakeLink(), ip = sharedIp()) {
  const host = link.host();
  const clock = new FakeClock();
  const logger = captureLogger('debug');
  const resource = new VmacCarrierResource(ip, { host, ifconfig: IFCONFIG });
  const mastership = (target: TargetRole) => ({ role: target, target, since: clock.now(), epoch: target === 'MASTER' ? 1 : 0 });
  const ctx = (target: TargetRole): ResourceContextV2 => ({ reconcileId: 'r1', signal: new AbortController().signal, log: logger.log, clock, mastership: mastership(target), stillMaster: async () => target === 'MASTER' });
  /** One engine-like run; returns the commands it applied (describe()). */
  async function run(target: TargetRole, keepPath = false): Promise<string[]> {
    const context: DesiredContext = { ...mastership(target), draining: false, keepPath };
    const desired = resource.desired(context);
    const actual = await resource.observe(ctx(target));
    const plan = resource.plan(desired, actual, mastership(target));
    if (plan.kind === 'blocked') throw plan.error;
    if (plan.kind === 'wait') throw new Error('unexpected wait');
    for (const step of plan.steps) await resource.apply(step, ctx(target));
    return plan.kind === 'steps' ? plan.steps.map((s) => resource.describe(s)) : [];
  }
  return { link, host, resource, run, logger };
}

describe('VmacCarrierResource', () => {
  it('MASTER carries the vMAC with one ifconfig call, announced for the IPFO; BACKUP puts the hardware MAC back', async () => {
    const r = rig();
    expect(await r.run('MASTER')).toEqual(['/sbin/ifconfig vtnet1 ether 02:00:00:ff:3e:98']);
    expect(r.link.ether).toBe(VMAC);
    expect(r.link.announced).toEqual([
      { interface: 'vtnet1', ip: '203.0.113.12', mac: VMAC },
      { interface: 'vtnet1', ip: '192.0.2.10', mac: VMAC },
    ]);
    expect(r.resource.status()).toEqual({ kind: 'vmac', interface: 'vtnet1', vmac: VMAC, hwaddr: HW, carrying: true });
    expect(await r.run('MASTER')).toEqual([]); // in sync: one read, no write
    expect(await r.run('BACKUP')).toEqual(['/sbin/ifconfig vtnet1 ether 58:9c:fc:00:02:01']);
    expect(r.link.ether).toBe(HW);
    expect(r.resource.status()).toMatchObject({ carrying: false, hwaddr: HW });
    expect(await r.run('BACKUP')).toEqual([]);
    // Reads are plain `ifconfig vtnet1` after the one libxo probe; writes exactly the two above.
    const writes = r.host.commandLines().filter((l) => / (ether|up|down)( |$)/.test(l));
    expect(writes).toEqual(['/sbin/ifconfig vtnet1 ether 02:00:00:ff:3e:98', '/sbin/ifconfig vtnet1 ether 58:9c:fc:00:02:01']);
  });

  it('a DOWN interface is brought up before the vMAC is set, so the change is announced', async () => {
    const r = rig();
    r.link.up = false;
    expect(await r.run('MASTER')).toEqual(['/sbin/ifconfig vtnet1 up', '/sbin/ifconfig vtnet1 ether 02:00:00:ff:3e:98']);
    expect(r.link.up).toBe(true);
    expect(r.link.announced.map((a) => a.ip)).toEqual(['203.0.113.12', '192.0.2.10']);
  });

  it('after a crash left the vMAC on a DOWN interface, MASTER sets it again once UP (else nothing would announce it)', async () => {
    const r = rig();
    r.link.up = false;
    r.link.ether = VMAC;
    await r.run('MASTER');
    expect(r.link.announced).toHaveLength(2);
  });

  it('a CARP address (vhid) on the carrier is never announced by the lladdr change: why the IPFO must be a plain alias', async () => {
    const link = new FakeLink();
    link.inet = [{ ip: '192.0.2.10', mask: '0xffffffff', vhid: 3 }];
    const r = rig(link);
    await r.run('MASTER');
    expect(r.link.ether).toBe(VMAC);
    expect(r.link.announced).toEqual([]);
  });

  it('keepPath: a BACKUP keeps carrying while the engine says a path OVH uses ends here, then releases', async () => {
    const r = rig();
    await r.run('MASTER');
    expect(await r.run('BACKUP', true)).toEqual([]);
    expect(r.link.ether).toBe(VMAC);
    expect(await r.run('BACKUP', false)).toEqual(['/sbin/ifconfig vtnet1 ether 58:9c:fc:00:02:01']);
  });

  it('no hwaddr line (a vlan): restore_mac is put back; without it the plan is blocked and nothing runs', async () => {
    const link = new FakeLink('vtnet1', null);
    link.ether = VMAC;
    const blockedRig = rig(link);
    await expect(blockedRig.run('BACKUP')).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    expect(link.ether).toBe(VMAC);
    const r = rig(link, sharedIp({ restore_mac: '02:00:00:00:0a:01' }));
    expect(await r.run('BACKUP')).toEqual(['/sbin/ifconfig vtnet1 ether 02:00:00:00:0a:01']);
    expect(r.resource.status()).toMatchObject({ carrying: false, hwaddr: '02:00:00:00:0a:01' });
  });

  it('a missing interface: MASTER blocked with INTERFACE_MISSING, BACKUP in sync', async () => {
    const link = new FakeLink();
    link.exists = false;
    const r = rig(link);
    await expect(r.run('MASTER')).rejects.toMatchObject({ code: 'INTERFACE_MISSING' });
    expect(await r.run('BACKUP')).toEqual([]);
    expect(r.resource.status()).toMatchObject({ carrying: false, hwaddr: null });
  });

  it('status before the first observation says unknown, not false', () => {
    expect(rig().resource.status()).toEqual({ kind: 'vmac', interface: 'vtnet1', vmac: VMAC, hwaddr: null, carrying: null });
  });

  it('identity: id vmac:IF, kind vmac, local lane; one carrier per interface', () => {
    const r = rig();
    expect([r.resource.id, r.resource.kind, r.resource.lane]).toEqual(['vmac:vtnet1', 'vmac', 'local']);
    const second = { ...sharedIp(), ip: '192.0.2.11/32' };
    const other = { ...sharedIp(), interface: 'vtnet2', vmac: '02:00:00:ff:3e:99' };
    expect(createVmacCarriers([sharedIp(), second, other], { host: r.host, ifconfig: IFCONFIG }).map((c) => c.id)).toEqual(['vmac:vtnet1', 'vmac:vtnet2']);
  });

  it('refuses a hostile interface or MAC when built, before any command', () => {
    const host = new FakeLink().host();
    expect(() => new VmacCarrierResource({ ...sharedIp(), interface: 'vtnet1;id' }, { host, ifconfig: IFCONFIG })).toThrow(expect.objectContaining({ code: 'INVALID_NAME' }));
    expect(() => new VmacCarrierResource({ ...sharedIp(), vmac: '03:00:00:ff:3e:98' }, { host, ifconfig: IFCONFIG })).toThrow(expect.objectContaining({ code: 'INVALID_NAME' }));
    expect(host.calls).toEqual([]);
  });
});

describe('buildVmacCarriers', () => {
  it('one carrier per shared-vmac interface, with the config\'s ifconfig; none for other strategies', async () => {
    const { buildVmacCarriers } = await import('../../../src/resources/vmac-carrier/index.js');
    const config = configSchema.parse({
      node: 'router-002',
      carp: { vhids: [{ vhid: 1, interface: 'vtnet0' }] },
      commands: { ifconfig: '/sbin/ifconfig' },
      ovh: {
        ips: [
          { ip: '192.0.2.10/32', strategy: 'shared-vmac', service: 's', vmac: VMAC, interface: 'vtnet1', vm_name: 'routers' },
          { ip: '192.0.2.11/32', strategy: 'shared-vmac', service: 's', vmac: VMAC, interface: 'vtnet1', vm_name: 'routers' },
          { ip: '192.0.2.12/32', strategy: 'move', service: 's' },
        ],
      },
    });
    const link = new FakeLink();
    const carriers = buildVmacCarriers(config, { host: link.host() });
    expect(carriers.map((c) => c.id)).toEqual(['vmac:vtnet1']);
    expect(buildVmacCarriers({ ...config, ovh: { ...config.ovh, ips: [config.ovh.ips[2]!] } }, { host: link.host() })).toEqual([]);
  });
});
