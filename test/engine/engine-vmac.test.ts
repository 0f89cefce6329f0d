// The v2 engine driving the shared-vMAC carrier beside a GRE tunnel and the shared-vmac failover
// IP, on a FakeHost that plays a FreeBSD 14 router (vtnet0: CARP, test/fixtures/freebsd/
// fbsd14-vtnet0-peer.txt; vtnet1: the carrier, fake-link.ts) with OVH answering 503 to
// everything: the vMAC follows CARP in the local lane, in order, journaled, with no OVH write.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SharedVmacConfig } from '../../src/config/schema.js';
import { createCarpObserver } from '../../src/host/freebsd/observer.js';
import type { CarpState } from '../../src/model.js';
import { GreResource } from '../../src/resources/gre/gre-resource.js';
import { buildVmacCarriers } from '../../src/resources/vmac-carrier/index.js';
import { createService } from '../../src/service/create.js';
import { FakeDemotion } from '../fakes/carp.js';
import { FakeFlags } from '../fakes/flags.js';
import { FakeTicker } from '../fakes/ticker.js';
import { SHARED_VMAC } from '../ovh-mock/fixtures.js';
import { makeRig, type Rig } from '../resources/failover-ip/support.js';
import { FakeLink } from '../resources/vmac-carrier/fake-link.js';
import { testConfig } from './support/harness.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/freebsd/${name}`, import.meta.url), 'utf8');

let dir: string | null = null;
let rig: Rig | null = null;
afterEach(async () => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  await rig?.close();
  dir = null;
  rig = null;
});

describe('Engine with the shared-vMAC carrier', () => {
  it('carries the vMAC after gre0 up on MASTER, releases it after gre0 down on BACKUP, OVH down throughout', async () => {
    dir = mkdtempSync(join(tmpdir(), 'cfe-vmac-'));
    rig = await makeRig('shared-vmac', { boundTo: 'ours' });
    rig.mock.faults.add({ kind: 'status', status: 503, times: Infinity });
    const clock = rig.clock;
    const config = testConfig(
      { carp: { vhids: [{ vhid: 1, interface: 'vtnet0' }] }, settle: { local_ms: 0, provider_ms: 0 }, gre: { tunnels: [{ interface: 'gre0' }] }, ovh: { ips: [rig.config.ovh.ips[0]] } },
      dir,
    );
    let carp: CarpState = 'BACKUP';
    let greUp = false;
    const link = new FakeLink('vtnet1');
    const host = link.host();
    const vtnet0 = fixture('fbsd14-vtnet0-peer.txt');
    host.on(['/sbin/ifconfig', 'vtnet0'], () => vtnet0.replace('carp: MASTER vhid 1', `carp: ${carp} vhid 1`));
    host.on(['/sbin/ifconfig', 'gre0'], () => fixture('fbsd14-gre0-up.txt').replace('<UP,', greUp ? '<UP,' : '<'));
    host.on(['/sbin/ifconfig', 'gre0', 'up'], () => ((greUp = true), ''));
    host.on(['/sbin/ifconfig', 'gre0', 'down'], () => ((greUp = false), ''));
    const carriers = buildVmacCarriers(config, { host });
    expect((config.ovh.ips[0] as SharedVmacConfig).interface).toBe('vtnet1');
    const service = createService(config, {
      clock,
      log: rig.logger.log,
      carp: createCarpObserver(host, config.commands.ifconfig),
      demotion: new FakeDemotion(),
      resources: [new GreResource(config.gre.tunnels[0]!, { host, ifconfig: config.commands.ifconfig }), ...carriers, rig.resource],
      flags: new FakeFlags(),
      ticker: new FakeTicker(clock),
    });
    const { engine } = service;
    const writes = () => host.commandLines().filter((line) => / (up|down|ether [0-9a-f:]+)$/.test(line));
    await engine.start();
    expect(engine.status().role).toBe('BACKUP');
    expect(writes()).toEqual([]);

    carp = 'MASTER';
    await engine.reconcileNow();
    expect(writes()).toEqual(['/sbin/ifconfig gre0 up', '/sbin/ifconfig vtnet1 ether 02:00:00:ff:3e:98']);
    expect(link.announced.map((a) => `${a.ip} ${a.mac}`)).toEqual(['203.0.113.12 02:00:00:ff:3e:98', '192.0.2.10 02:00:00:ff:3e:98']);
    const vmac = engine.status().resources.find((r) => r.id === 'vmac:vtnet1')!;
    expect(vmac).toMatchObject({ kind: 'vmac', inSync: true, detail: { kind: 'vmac', interface: 'vtnet1', vmac: SHARED_VMAC, hwaddr: '58:9c:fc:00:02:01', carrying: true } });

    carp = 'BACKUP';
    await clock.advance(15_000); // no event: the periodic run notices
    expect(writes()).toEqual(['/sbin/ifconfig gre0 up', '/sbin/ifconfig vtnet1 ether 02:00:00:ff:3e:98', '/sbin/ifconfig gre0 down', '/sbin/ifconfig vtnet1 ether 58:9c:fc:00:02:01']);
    expect(link.ether).toBe('58:9c:fc:00:02:01');

    const timelines = await engine.history(10);
    expect(timelines.map((t) => [t.from, t.to, t.steps.filter((s) => s.step.startsWith('/sbin')).map((s) => s.step)])).toEqual([
      ['INIT', 'BACKUP', []],
      ['BACKUP', 'MASTER', ['/sbin/ifconfig gre0 up', '/sbin/ifconfig vtnet1 ether 02:00:00:ff:3e:98']],
      ['MASTER', 'BACKUP', ['/sbin/ifconfig gre0 down', '/sbin/ifconfig vtnet1 ether 58:9c:fc:00:02:01']],
    ]);
    // OVH was asked (and failed) while MASTER; nothing was ever written there.
    expect(rig.mock.requests.some((q) => q.status === 503)).toBe(true);
    expect(rig.writes()).toEqual([]);
    const ovh = engine.status().resources.find((r) => r.kind === 'ovh')!;
    expect(ovh.detail).toMatchObject({ kind: 'ovh', strategy: 'shared-vmac', verify: { ok: false, error: expect.stringMatching(/503/) } });
    await service.stop();
  });
});
