// strategy shared-vmac in the config: the keys, their defaults, and every cross-check with the
// line and key path of the offending value.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import { parseConfigText } from '../../src/config/load.js';

const HEAD = ['node: router-002', 'carp:', '  vhids:', '    - {vhid: 1, interface: vtnet0}'];
const entry = (fields: string) => `    - {ip: 192.0.2.10/32, strategy: shared-vmac, service: ns3000000.ip-198-51-100.eu, vm_name: routers, ${fields}}`;

function problems(lines: string[]): string[] {
  try {
    parseConfigText([...HEAD, ...lines, ''].join('\n'), 'test.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message.split('\n');
  }
  throw new Error('expected the config to be refused');
}

describe('ovh.ips[] strategy shared-vmac', () => {
  it('loads with restore_mac defaulting to null', () => {
    const config = parseConfigText([...HEAD, 'ovh:', '  ips:', entry('vmac: 02:00:00:ff:3e:98, interface: vtnet1'), ''].join('\n'), 'test.yaml');
    expect(config.ovh.ips[0]).toEqual({
      ip: '192.0.2.10/32',
      strategy: 'shared-vmac',
      service: 'ns3000000.ip-198-51-100.eu',
      vmac: '02:00:00:ff:3e:98',
      interface: 'vtnet1',
      vm_name: 'routers',
      restore_mac: null,
    });
  });

  it('requires the carrier interface and the vMAC, validates their form', () => {
    expect(problems(['ovh:', '  ips:', entry('vmac: 02:00:00:FF:3E:98, interface: "vtnet1;reboot"')])).toEqual([
      'test.yaml:7: ovh.ips[0].vmac: must be a lower-case MAC such as 02:00:00:ff:3e:98, got "02:00:00:FF:3E:98"',
      'test.yaml:7: ovh.ips[0].interface: must be a FreeBSD interface name (letters, digits, ".", "_", "-"; at most 15 characters; starts with a letter), got "vtnet1;reboot"',
    ]);
    expect(problems(['ovh:', '  ips:', entry('vmac: 02:00:00:ff:3e:98')])).toEqual(['test.yaml:7: ovh.ips[0].interface: required, but missing (expected a string)']);
  });

  it('cross-checks: a GRE carrier, CARP\'s own MAC, a multicast MAC, restore_mac equal to the vMAC', () => {
    expect(
      problems([
        'gre:',
        '  tunnels:',
        '    - {interface: gre0}',
        'ovh:',
        '  ips:',
        entry('vmac: 00:00:5e:00:01:01, interface: gre0'),
        entry('vmac: 03:00:00:ff:3e:98, interface: vtnet2, restore_mac: 03:00:00:ff:3e:98').replace('192.0.2.10', '192.0.2.11'),
      ]),
    ).toEqual([
      'test.yaml:10: ovh.ips[0].interface: gre0 is a GRE tunnel (gre.tunnels): it has no Ethernet address to carry the vMAC; name the interface on the hypervisor\'s bridge',
      'test.yaml:10: ovh.ips[0].vmac: 00:00:5e:00:01:01 is CARP\'s own virtual MAC (00:00:5e:00:01:vhid): OVH cannot bind an IP to it; use the vMAC OVH generated (carp-failover ovh vmac create --shared)',
      'test.yaml:11: ovh.ips[1].vmac: 03:00:00:ff:3e:98 is a multicast address (I/G bit set): no interface can take it; copy the vMAC OVH generated',
      'test.yaml:11: ovh.ips[1].restore_mac: must differ from vmac: it is what the interface wears while not carrying the vMAC',
    ]);
  });

  it('cross-checks: one MAC per interface, one interface per vMAC, never a per-router vMAC', () => {
    expect(
      problems([
        'ovh:',
        '  ips:',
        entry('vmac: 02:00:00:ff:3e:98, interface: vtnet1'),
        entry('vmac: 02:00:00:ff:3e:99, interface: vtnet1').replace('192.0.2.10', '192.0.2.11'),
        entry('vmac: 02:00:00:ff:3e:98, interface: vtnet2').replace('192.0.2.10', '192.0.2.12'),
        '    - {ip: 192.0.2.13/32, strategy: vmac, service: s, vmac: "02:00:00:ff:3e:98", vm_name: r}',
      ]),
    ).toEqual([
      'test.yaml:7: ovh.ips[0].vmac: 02:00:00:ff:3e:98 is also a per-router vMAC of a strategy vmac entry, which moves IPs off it; the shared vMAC must be used by shared-vmac entries only',
      'test.yaml:8: ovh.ips[1].vmac: vtnet1 already carries 02:00:00:ff:3e:98 (ovh.ips[0]): one interface has one MAC at a time',
      'test.yaml:9: ovh.ips[2].vmac: 02:00:00:ff:3e:98 is also a per-router vMAC of a strategy vmac entry, which moves IPs off it; the shared vMAC must be used by shared-vmac entries only',
      'test.yaml:9: ovh.ips[2].interface: the vMAC 02:00:00:ff:3e:98 is carried on vtnet1 (ovh.ips[0]): two ports sourcing one MAC make the bridge flap',
    ]);
  });

  it('two failover IPs on one shared vMAC and one carrier are fine', () => {
    const config = parseConfigText([...HEAD, 'ovh:', '  ips:', entry('vmac: 02:00:00:ff:3e:98, interface: vtnet1'), entry('vmac: 02:00:00:ff:3e:98, interface: vtnet1').replace('192.0.2.10', '192.0.2.11'), ''].join('\n'), 'test.yaml');
    expect(config.ovh.ips).toHaveLength(2);
  });
});
