import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseIfconfigJson } from '../../../src/host/freebsd/ifconfig-json.js';
import { parseIfconfigText } from '../../../src/host/freebsd/ifconfig-text.js';
import { parseOrderedJson, OrderedObject } from '../../../src/host/freebsd/ordered-json.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/freebsd/${name}`, import.meta.url), 'utf8');

describe('parseIfconfigJson', () => {
  it('keeps every vhid although libxo repeats the keys in one object', () => {
    const result = parseIfconfigJson(fixture('libxo-vtnet0-two-vhids.json'));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const [vtnet0] = result.interfaces;
    expect(vtnet0).toMatchObject({ name: 'vtnet0', up: true, running: true, mtu: 1500, tunnel: null });
    expect(vtnet0!.carp).toEqual([
      { protocol: 'carp', vhid: 1, state: 'MASTER', advbase: 1, advskew: 0, peer: '224.0.0.18', peer6: 'ff02::12' },
      { protocol: 'carp', vhid: 2, state: 'BACKUP', advbase: 1, advskew: 100, peer: '198.51.100.3', peer6: 'ff02::12' },
      { protocol: 'vrrp', vhid: 20, state: 'INIT', vrrpPriority: 100, vrrpInterval: 100 },
    ]);
    expect(vtnet0!.addresses).toEqual([
      { family: 'inet', address: '192.0.2.2', prefixlen: 24, broadcast: '192.0.2.255' },
      { family: 'inet', address: '192.0.2.1', prefixlen: 24, broadcast: '192.0.2.255', vhid: 1 },
      { family: 'inet6', address: 'fe80::5a9c:fcff:fe00:102', prefixlen: 64 },
      { family: 'inet6', address: '2001:db8:10::1', prefixlen: 64, vhid: 2 },
    ]);
  });

  it('shows that plain JSON.parse would lose a vhid (why the ordered reader exists)', () => {
    const plain = JSON.parse(fixture('libxo-vtnet0-two-vhids.json')) as { interfaces: Array<{ vhid: number }> };
    expect(plain.interfaces[0]!.vhid).toBe(2);
  });

  it('reads the probe answer and a gre interface', () => {
    const result = parseIfconfigJson(fixture('libxo-lo0-gre0.json'));
    if (!result.ok) throw new Error(result.reason);
    expect(result.interfaces.map((i) => i.name)).toEqual(['lo0', 'gre0']);
    const gre0 = result.interfaces[1]!;
    expect(gre0).toMatchObject({ up: false, running: false, mtu: 1476 });
    expect(gre0.tunnel).toEqual({ family: 'inet', source: '198.51.100.1', destination: '203.0.113.1' });
    expect(gre0.addresses).toEqual([{ family: 'inet', address: '10.0.0.1', destination: '10.0.0.2', prefixlen: 30 }]);
  });

  it('gives the same model as the text parser for the same interface', () => {
    const fromJson = parseIfconfigJson(fixture('libxo-lo0-gre0.json'));
    if (!fromJson.ok) throw new Error(fromJson.reason);
    const text = 'gre0: flags=8010<POINTOPOINT,MULTICAST> metric 0 mtu 1476\n\ttunnel inet 198.51.100.1 --> 203.0.113.1\n\tinet 10.0.0.1 --> 10.0.0.2 netmask 0xfffffffc\n';
    expect(fromJson.interfaces[1]).toEqual(parseIfconfigText(text)[0]);
  });

  it.each([
    ['usage text from a stock ifconfig', 'usage: ifconfig [-f type:format] [-L] [-C] [-g groupname] interface address_family\n'],
    ['empty', ''],
    ['truncated', fixture('libxo-lo0-gre0.json').slice(0, 200)],
    ['no interfaces', '{"__version":"1","interfaces":[]}'],
    ['trailing garbage', '{"a":1} x'],
    ['deep nesting', '['.repeat(1000) + ']'.repeat(1000)],
  ])('%s: ok false with a reason, no throw', (_why, text) => {
    const result = parseIfconfigJson(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason.length).toBeGreaterThan(0);
  });

  it('ignores hostile values instead of trusting them', () => {
    const result = parseIfconfigJson('{"interfaces":[{"ifname":"em0","interface-flags":["UP","<script>"],"mtu":"1500; reboot","carp-state":"MASTER","vhid":"300","carp-state":"BACKUP","vhid":"7"}]}');
    if (!result.ok) throw new Error(result.reason);
    expect(result.interfaces[0]).toMatchObject({ flags: ['UP'], mtu: null, carp: [{ protocol: 'carp', vhid: 7, state: 'BACKUP' }] });
  });

  it('property: never throws and never invents a vhid on mutated JSON', () => {
    const base = fixture('libxo-vtnet0-two-vhids.json');
    fc.assert(
      fc.property(fc.nat(), fc.string({ maxLength: 8 }), fc.nat({ max: 40 }), (at, insert, remove) => {
        const i = at % base.length;
        const text = base.slice(0, i) + insert + base.slice(i + remove);
        const result = parseIfconfigJson(text);
        if (!result.ok) return;
        for (const iface of result.interfaces) for (const entry of iface.carp) expect(text).toMatch(new RegExp(`"(vhid|vrid)":\\s*"?${entry.vhid}\\b`));
      }),
      { numRuns: 1500 },
    );
  });
});

describe('parseOrderedJson', () => {
  it('keeps duplicate keys in order and parses like JSON.parse otherwise', () => {
    const value = parseOrderedJson('{"a":1,"b":[true,null,"x\\n"],"a":2}');
    expect(value).toBeInstanceOf(OrderedObject);
    expect((value as OrderedObject).entries).toEqual([
      ['a', 1],
      ['b', [true, null, 'x\n']],
      ['a', 2],
    ]);
  });
});
