import { describe, expect, it } from 'vitest';
import { createOspfResources, OspfInterfaceUnknownError, type OspfActual, type OspfResource } from '../../../src/resources/ospf/resource.js';
import { FakeHost } from '../../fakes/host.js';
import { desiredContext, stepsOf } from '../../fakes/mastership.js';
import { ospfConfig } from './config.js';
import { testContext } from './context.js';
import { fixture } from './fixture.js';

const VTYSH = '/usr/local/bin/vtysh';
const showIf = (name: string) => [VTYSH, '-c', `show ip ospf interface ${name} json`];

/** An FRR 8.4 host whose interfaces and neighbours answer from the captured fixtures. */
function frrHost(): FakeHost {
  const all = JSON.parse(fixture('frr-8.4-interface.json.txt'));
  return new FakeHost()
    .on([VTYSH, '-c', 'show version'], fixture('frr-8.4-version.txt'))
    .on([VTYSH, '-c', 'show ip ospf interface json'], JSON.stringify(all))
    .on((argv) => /^show ip ospf interface \S+ json$/.test(argv[2] ?? ''), (argv) => {
      const name = argv[2]!.split(' ')[4]!;
      return all.interfaces[name] ? JSON.stringify({ interfaces: { [name]: all.interfaces[name] } }) : fixture('frr-8.4-interface-nosuch.json.txt');
    })
    .on([VTYSH, '-c', 'show ip ospf neighbor json'], fixture('frr-8.4-neighbor.json.txt'))
    .on([VTYSH, '-c', 'configure terminal'], '');
}

function resource(host: FakeHost, iface: Record<string, unknown> = {}, ospf: Record<string, unknown> = {}): OspfResource {
  const config = ospfConfig({ interfaces: [{ interface: 'r1e0', cost: { master: 10, backup: 1000 }, ...iface }], ...ospf });
  return createOspfResources(config, host)[0]!;
}

const actual = (over: Partial<OspfActual> = {}): OspfActual => ({
  interface: 'r1e0', flavour: 'frr', cost: 10, running: true, area: '0.0.0.0', state: 'Point-To-Point', networkType: 'POINTOPOINT', passive: false, neighbors: null, ...over,
});

describe('OspfResource.desired', () => {
  it('is the MASTER cost for MASTER and the BACKUP cost otherwise', () => {
    const r = resource(new FakeHost());
    expect(r.id).toBe('ospf:r1e0');
    expect(r.kind).toBe('ospf');
    expect(r.desired(desiredContext('MASTER'))).toEqual({ cost: 10 });
    expect(r.desired(desiredContext('BACKUP'))).toEqual({ cost: 1000 });
    // The cost follows the role even while the tunnel is kept up for a path OVH still uses.
    expect(r.desired(desiredContext('BACKUP', { keepPath: true }))).toEqual({ cost: 1000 });
  });
});

describe('OspfResource.plan (pure)', () => {
  const r = resource(new FakeHost());
  const table: Array<[string, number, Partial<OspfActual>, unknown[]]> = [
    ['in sync', 10, { cost: 10 }, []],
    ['cost differs', 1000, { cost: 10 }, [{ interface: 'r1e0', from: 10, cost: 1000 }]],
    ['cost back to ospfd\'s file value after a restart', 10, { cost: 77 }, [{ interface: 'r1e0', from: 77, cost: 10 }]],
    ['interface down: no cost to compare, nothing to do', 10, { cost: null, running: false }, []],
  ];
  for (const [name, cost, over, steps] of table) {
    it(name, () => expect(r.plan({ cost }, actual(over))).toEqual({ kind: 'steps', steps }));
  }
});

describe('OspfResource.observe', () => {
  it('reads the interface through `show ip ospf interface IF json`, flavour probed once', async () => {
    const host = frrHost();
    const r = resource(host);
    expect(await r.observe(testContext())).toEqual(actual({ cost: 10 }));
    await r.observe(testContext());
    expect(host.commandLines()).toEqual([
      `${VTYSH} -c show version`,
      `${VTYSH} -c show ip ospf interface r1e0 json`,
      `${VTYSH} -c show ip ospf interface r1e0 json`,
    ]);
  });

  it('asks for neighbours only when a readiness check needs them, and counts Full ones', async () => {
    const host = frrHost();
    const r = resource(host, { require_neighbors: 1 });
    expect((await r.observe(testContext())).neighbors).toEqual({ total: 1, full: 1 });
    expect(host.commandLines()).toContain(`${VTYSH} -c show ip ospf neighbor json`);
  });

  it('fails clearly for an interface ospfd does not know, naming the ones it knows', async () => {
    const r = createOspfResources(ospfConfig({ interfaces: [{ interface: 'gre7', cost: { master: 10, backup: 1000 } }] }), frrHost())[0]!;
    const error = await r.observe(testContext()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OspfInterfaceUnknownError);
    expect(error).toMatchObject({ code: 'OSPF_UNAVAILABLE', details: { interface: 'gre7', known: ['lo', 'r1e0'] } });
    expect((error as Error).message).toMatch(/does not know the interface gre7.*lo, r1e0/);
  });

  it('fails clearly for an up interface OSPF does not cover', async () => {
    const host = frrHost().on(showIf('r1x0'), fixture('frr-8.4-interface-disabled.json.txt'));
    const r = createOspfResources(ospfConfig({ interfaces: [{ interface: 'r1x0', cost: { master: 10, backup: 1000 } }] }), host)[0]!;
    await expect(r.observe(testContext())).rejects.toThrow(/does not run OSPF on r1x0/);
  });

  it('reads a down interface as no cost, and holds readiness when neighbours are required', async () => {
    const host = frrHost().on(showIf('r1e0'), fixture('frr-8.4-interface-down.json.txt'));
    const r = resource(host, { require_neighbors: 1 });
    const seen = await r.observe(testContext());
    expect(seen).toMatchObject({ cost: null, running: false, neighbors: { total: 0, full: 0 } });
    expect(stepsOf(r.plan(r.desired(desiredContext('MASTER')), seen))).toEqual([]);
    expect(r.readiness(seen)).toEqual([{ resource: 'ospf:r1e0', reason: 'r1e0: 0 Full OSPF neighbours, 1 required (interface down in ospfd)' }]);
    expect(host.commandLines()).not.toContain(`${VTYSH} -c show ip ospf neighbor json`);
  });

  it('reads Quagga through its text output', async () => {
    const host = new FakeHost()
      .on([VTYSH, '-c', 'show version'], 'Quagga 1.2.4 (router-001).\n')
      .on([VTYSH, '-c', 'show ip ospf interface gre0'], fixture('quagga-1.2-interfaces.txt').split('gre1 is down')[0]!)
      .on([VTYSH, '-c', 'show ip ospf neighbor'], fixture('quagga-1.2-neighbor.txt'));
    const r = createOspfResources(ospfConfig({ interfaces: [{ interface: 'gre0', cost: { master: 10, backup: 1000 }, require_neighbors: 1 }] }), host)[0]!;
    const seen = await r.observe(testContext());
    expect(seen).toMatchObject({ flavour: 'quagga', cost: 1000, networkType: 'POINTOPOINT', neighbors: { total: 1, full: 1 } });
    expect(stepsOf(r.plan(r.desired(desiredContext('MASTER')), seen))).toEqual([{ interface: 'gre0', from: 1000, cost: 10 }]);
    expect(r.status()).toEqual({ kind: 'ospf', interface: 'gre0', cost: 1000, neighbours: 1 });
  });
});

describe('OspfResource.apply', () => {
  it('runs exactly configure terminal / interface / ip ospf cost, and no write memory by default', async () => {
    const host = frrHost();
    const r = resource(host);
    await r.apply({ interface: 'r1e0', from: 10, cost: 1000 }, testContext());
    expect(host.calls).toEqual([[VTYSH, '-c', 'configure terminal', '-c', 'interface r1e0', '-c', 'ip ospf cost 1000']]);
    expect(r.describe({ interface: 'r1e0', from: 10, cost: 1000 })).toBe('vtysh: interface r1e0: ip ospf cost 1000 (was 10)');
  });

  it('adds end / write memory only with ospf.write_memory, and uses --vty_socket when set', async () => {
    const host = new FakeHost().on([VTYSH, '--vty_socket', '/var/run/frr/r1', '-c', 'configure terminal'], '');
    const r = resource(host, {}, { write_memory: true, vty_socket: '/var/run/frr/r1' });
    await r.apply({ interface: 'r1e0', from: 10, cost: 1000 }, testContext());
    expect(host.calls).toEqual([
      [VTYSH, '--vty_socket', '/var/run/frr/r1', '-c', 'configure terminal', '-c', 'interface r1e0', '-c', 'ip ospf cost 1000', '-c', 'end', '-c', 'write memory'],
    ]);
  });

  it('never touches an interface that is not its own', async () => {
    const host = frrHost();
    await expect(resource(host).apply({ interface: 'lo', from: 0, cost: 5 }, testContext())).rejects.toMatchObject({ code: 'INTERNAL' });
    await expect(resource(host).apply({ interface: 'r1e0;reboot', from: 0, cost: 5 }, testContext())).rejects.toMatchObject({ code: 'INVALID_NAME' });
    expect(host.calls).toEqual([]);
  });

  it('surfaces vtysh refusals as VtyshError', async () => {
    const host = frrHost().on([VTYSH, '-c', 'configure terminal'], { stdout: '% Unknown command: ip ospf cost 1000\n' });
    await expect(resource(host).apply({ interface: 'r1e0', from: 10, cost: 1000 }, testContext())).rejects.toMatchObject({ code: 'VTYSH_FAILED', line: '% Unknown command: ip ospf cost 1000' });
  });
});

describe('OspfResource.readiness', () => {
  it('holds while fewer Full neighbours than required, naming the interface and the counts', () => {
    const r = resource(new FakeHost(), { require_neighbors: 2 });
    expect(r.readiness(actual({ neighbors: { total: 2, full: 1 } }))).toEqual([{ resource: 'ospf:r1e0', reason: 'r1e0: 1 Full OSPF neighbour, 2 required' }]);
    expect(r.readiness(actual({ neighbors: { total: 2, full: 2 } }))).toEqual([]);
  });

  it('holds nothing when no neighbours are required', () => {
    expect(resource(new FakeHost()).readiness(actual({ neighbors: null }))).toEqual([]);
  });

  it('holds while ospfd does not answer, and lets go once it does', async () => {
    let down = true;
    const host = frrHost().on(showIf('r1e0'), () => (down ? { stderr: 'ospfd is not running\n', exitCode: 1 } : JSON.stringify({ interfaces: { r1e0: JSON.parse(fixture('frr-8.4-interface.json.txt')).interfaces.r1e0 } })));
    const r = resource(host);
    await expect(r.observe(testContext())).rejects.toMatchObject({ code: 'OSPF_UNAVAILABLE' });
    expect(r.readiness(undefined)).toEqual([{ resource: 'ospf:r1e0', reason: expect.stringContaining('ospfd is not running') }]);
    down = false;
    const seen = await r.observe(testContext());
    expect(r.readiness(seen)).toEqual([]);
  });
});

describe('createOspfResources', () => {
  it('builds one resource per configured interface, in config order', () => {
    const config = ospfConfig({ interfaces: [
      { interface: 'gre0', cost: { master: 10, backup: 1000 } },
      { interface: 'gre1', cost: { master: 20, backup: 2000 } },
    ] });
    expect(createOspfResources(config, new FakeHost()).map((r) => r.id)).toEqual(['ospf:gre0', 'ospf:gre1']);
  });
});
