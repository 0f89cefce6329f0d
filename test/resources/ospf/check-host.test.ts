import { describe, expect, it } from 'vitest';
import { checkOspfHost } from '../../../src/resources/ospf/check-host.js';
import { FakeHost } from '../../fakes/host.js';
import { ospfConfig } from './config.js';
import { fixture } from './fixture.js';

const VTYSH = '/usr/local/bin/vtysh';
const cost = { master: 10, backup: 1000 };

function host(): FakeHost {
  return new FakeHost()
    .on([VTYSH, '-c', 'show version'], fixture('frr-8.4-version.txt'))
    .on([VTYSH, '-c', 'show ip ospf interface json'], fixture('frr-8.4-interface.json.txt'));
}

describe('checkOspfHost', () => {
  it('checks nothing when no OSPF interface is configured', async () => {
    const h = new FakeHost();
    expect(await checkOspfHost(ospfConfig({}), h)).toEqual([]);
    expect(h.calls).toEqual([]);
  });

  it('passes when vtysh answers, ospfd runs and every interface is an OSPF interface', async () => {
    const checks = await checkOspfHost(ospfConfig({ interfaces: [{ interface: 'r1e0', cost }, { interface: 'lo', cost }] }), host());
    expect(checks.map((c) => [c.name, c.ok])).toEqual([
      ['vtysh answers', true],
      ['ospfd runs', true],
      ['OSPF on r1e0', true],
      ['OSPF on lo', true],
    ]);
    expect(checks[0]!.message).toContain('FRRouting, detected');
    expect(checks[2]!.message).toBe('area 0.0.0.0, POINTOPOINT, cost 10, state Point-To-Point');
  });

  it('fails an interface ospfd does not know, at error level', async () => {
    const checks = await checkOspfHost(ospfConfig({ interfaces: [{ interface: 'gre0', cost }] }), host());
    expect(checks.at(-1)).toMatchObject({ name: 'OSPF on gre0', ok: false, level: 'error', message: expect.stringContaining('does not know gre0') });
  });

  it('stops at "vtysh answers" when vtysh cannot reach any daemon', async () => {
    const h = new FakeHost().on([VTYSH], { stderr: 'Exiting: failed to connect to any daemons.\n', exitCode: 1 });
    const checks = await checkOspfHost(ospfConfig({ interfaces: [{ interface: 'gre0', cost }] }), h);
    expect(checks).toEqual([{ name: 'vtysh answers', ok: false, level: 'error', message: expect.stringContaining('failed to connect to any daemons') }]);
  });

  it('reports ospfd down when only zebra answers', async () => {
    const h = new FakeHost()
      .on([VTYSH, '-c', 'show version'], fixture('frr-8.4-version.txt'))
      .on([VTYSH, '-c', 'show ip ospf interface json'], { stderr: 'ospfd is not running\n', exitCode: 1 });
    const checks = await checkOspfHost(ospfConfig({ interfaces: [{ interface: 'gre0', cost }] }), h);
    expect(checks.at(-1)).toMatchObject({ name: 'ospfd runs', ok: false, message: expect.stringContaining('ospfd is not running') });
  });

  it('warns when readiness requires neighbours on a follow-carp tunnel (never met on a BACKUP)', async () => {
    const config = ospfConfig(
      { interfaces: [{ interface: 'r1e0', cost, require_neighbors: 1 }] },
      { gre: { tunnels: [{ interface: 'r1e0', mode: 'follow-carp' }] } },
    );
    const checks = await checkOspfHost(config, host());
    expect(checks.at(-1)).toMatchObject({ name: 'OSPF readiness on r1e0', ok: false, level: 'warning' });
  });
});
