// The link-level lines the shared-vMAC carrier reads: `ether` (current) and `hwaddr` (the NIC's
// own MAC, printed only while it differs). Fixtures and their sources: test/fixtures/freebsd/README.md.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseIfconfigJson } from '../../../src/host/freebsd/ifconfig-json.js';
import { parseIfconfigText } from '../../../src/host/freebsd/ifconfig-text.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/freebsd/${name}`, import.meta.url), 'utf8');

describe('ether and hwaddr', () => {
  it('text, carrying the vMAC: ether is the vMAC, hwaddr the NIC MAC', () => {
    const [vtnet1] = parseIfconfigText(fixture('fbsd14-vtnet1-vmac.txt'));
    expect(vtnet1).toMatchObject({ name: 'vtnet1', up: true, ether: '02:00:00:ff:3e:98', hwaddr: '58:9c:fc:00:02:01' });
    expect(vtnet1!.addresses.map((a) => a.address)).toEqual(['203.0.113.12', '192.0.2.10']);
  });

  it('text, not carrying: ether only, no hwaddr line (they are equal)', () => {
    const [vtnet1] = parseIfconfigText(fixture('fbsd14-vtnet1-hw.txt'));
    expect(vtnet1!.ether).toBe('58:9c:fc:00:02:01');
    expect(vtnet1!.hwaddr).toBeUndefined();
  });

  it('libxo JSON gives the same link addresses as the text', () => {
    const result = parseIfconfigJson(fixture('libxo-vtnet1-vmac.json'));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const [text] = parseIfconfigText(fixture('fbsd14-vtnet1-vmac.txt'));
    expect(result.interfaces[0]).toMatchObject({ name: 'vtnet1', ether: text!.ether, hwaddr: text!.hwaddr, addresses: text!.addresses });
  });

  it('upper case is normalised; a malformed or dashed MAC is not taken', () => {
    const header = 'em0: flags=8843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST> metric 0 mtu 1500\n';
    expect(parseIfconfigText(`${header}\tether 02:00:00:FF:3E:98\n`)[0]!.ether).toBe('02:00:00:ff:3e:98');
    expect(parseIfconfigText(`${header}\tether 02-00-00-ff-3e-98\n`)[0]!.ether).toBeUndefined();
    expect(parseIfconfigText(`${header}\tether 02:00:00:ff:3e\n`)[0]!.ether).toBeUndefined();
    expect(parseIfconfigText(`${header}\thwaddr 02:00:00:ff:3e:98;rm\n`)[0]!.hwaddr).toBeUndefined();
  });

  it('gre and loopback interfaces have no ether', () => {
    for (const iface of parseIfconfigText(fixture('fbsd13-all-interfaces.txt')).filter((i) => i.name !== 'em0')) expect(iface.ether).toBeUndefined();
  });
});
