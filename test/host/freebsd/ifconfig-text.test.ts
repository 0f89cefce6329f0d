import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseIfconfigText } from '../../../src/host/freebsd/ifconfig-text.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/freebsd/${name}`, import.meta.url), 'utf8');

describe('parseIfconfigText on cited fixtures', () => {
  it('FreeBSD 10: two vhids, no peer line, trailing spaces', () => {
    const [em0] = parseIfconfigText(fixture('fbsd10-em0-two-vhids.txt'));
    expect(em0).toMatchObject({ name: 'em0', up: true, running: true, mtu: 1500, tunnel: null });
    expect(em0!.carp).toEqual([
      { protocol: 'carp', vhid: 1, state: 'BACKUP', advbase: 1, advskew: 100 },
      { protocol: 'carp', vhid: 2, state: 'MASTER', advbase: 1, advskew: 0 },
    ]);
    expect(em0!.addresses).toEqual([
      { family: 'inet', address: '192.0.2.2', prefixlen: 24, broadcast: '192.0.2.255' },
      { family: 'inet', address: '192.0.2.1', prefixlen: 24, broadcast: '192.0.2.255', vhid: 1 },
      { family: 'inet', address: '198.51.100.10', prefixlen: 32, broadcast: '198.51.100.10', vhid: 2 },
    ]);
  });

  it('FreeBSD 8/9: <UNKNOWN> state is UNKNOWN with its vhid', () => {
    const [carp0] = parseIfconfigText(fixture('fbsd9-carp0-unknown.txt'));
    expect(carp0!.carp).toEqual([{ protocol: 'carp', vhid: 1, state: 'UNKNOWN', advbase: 1, advskew: 0 }]);
    expect(carp0!.flags).toEqual(['UP', 'LOOPBACK', 'RUNNING']);
  });

  it('FreeBSD 13: inet6 address with a vhid, link-local zone stripped', () => {
    const [vmx0] = parseIfconfigText(fixture('fbsd13-vmx0-inet6-vhid.txt'));
    expect(vmx0!.addresses).toContainEqual({ family: 'inet6', address: '2001:db8:10::1', prefixlen: 64, vhid: 2 });
    expect(vmx0!.addresses).toContainEqual({ family: 'inet6', address: 'fe80::250:56ff:fe9a:1001', prefixlen: 64 });
    expect(vmx0!.carp.map((c) => [c.vhid, c.state])).toEqual([[1, 'MASTER'], [2, 'MASTER']]);
  });

  it('FreeBSD 14: peer and peer6 attach to their own vhid', () => {
    const [vtnet0] = parseIfconfigText(fixture('fbsd14-vtnet0-peer.txt'));
    expect(vtnet0!.flags).toContain('LOWER_UP');
    expect(vtnet0!.carp).toEqual([
      { protocol: 'carp', vhid: 1, state: 'MASTER', advbase: 1, advskew: 0, peer: '224.0.0.18', peer6: 'ff02::12' },
      { protocol: 'carp', vhid: 2, state: 'BACKUP', advbase: 1, advskew: 100, peer: '198.51.100.3', peer6: 'ff02::12' },
    ]);
  });

  it('FreeBSD 14: INIT on an interface without carrier', () => {
    const [igb1] = parseIfconfigText(fixture('fbsd14-igb1-init-no-carrier.txt'));
    expect(igb1).toMatchObject({ up: true, running: false });
    expect(igb1!.carp[0]).toMatchObject({ vhid: 3, state: 'INIT', advskew: 50 });
  });

  it('FreeBSD 15: a VRRPv3 vrid next to a CARP vhid', () => {
    const [vtnet1] = parseIfconfigText(fixture('fbsd15-vtnet1-vrrp.txt'));
    expect(vtnet1!.carp).toEqual([
      { protocol: 'carp', vhid: 1, state: 'MASTER', advbase: 1, advskew: 0, peer: '203.0.113.3', peer6: 'ff02::12' },
      { protocol: 'vrrp', vhid: 20, state: 'BACKUP', vrrpPriority: 100, vrrpInterval: 100 },
    ]);
  });

  it('gre up (FreeBSD 14): flags, mtu, tunnel and point-to-point inner address', () => {
    const [gre0] = parseIfconfigText(fixture('fbsd14-gre0-up.txt'));
    expect(gre0).toMatchObject({ name: 'gre0', up: true, running: true, mtu: 1476 });
    expect(gre0!.tunnel).toEqual({ family: 'inet', source: '198.51.100.1', destination: '203.0.113.1' });
    expect(gre0!.addresses[0]).toEqual({ family: 'inet', address: '10.0.0.1', destination: '10.0.0.2', prefixlen: 30 });
    expect(gre0!.carp).toEqual([]);
  });

  it('gre down over IPv6 (FreeBSD 13)', () => {
    const [gre1] = parseIfconfigText(fixture('fbsd13-gre1-down-inet6.txt'));
    expect(gre1).toMatchObject({ up: false, running: false, mtu: 1456 });
    expect(gre1!.tunnel).toEqual({ family: 'inet6', source: '2001:db8:a::1', destination: '2001:db8:b::1' });
    expect(gre1!.addresses).toEqual([{ family: 'inet6', address: '2001:db8:ffff::1', destination: '2001:db8:ffff::2', prefixlen: 127 }]);
  });

  it('gre with a key (FreeBSD 10) ignores the grekey line', () => {
    const [gre0] = parseIfconfigText(fixture('fbsd10-gre0-key.txt'));
    expect(gre0!.flags).toContain('LINK0');
    expect(gre0!.tunnel?.destination).toBe('203.0.113.1');
  });

  it('all interfaces: three blocks, each with its own lines', () => {
    const all = parseIfconfigText(fixture('fbsd13-all-interfaces.txt'));
    expect(all.map((i) => i.name)).toEqual(['em0', 'lo0', 'gre0']);
    expect(all[0]!.carp).toHaveLength(1);
    expect(all[1]!.carp).toHaveLength(0);
    expect(all[1]!.addresses.map((a) => a.address)).toEqual(['::1', 'fe80::1', '127.0.0.1']);
    expect(all[2]!.tunnel?.source).toBe('198.51.100.1');
  });

  it('the missing-interface message parses to nothing', () => {
    expect(parseIfconfigText(fixture('fbsd14-missing-interface.stderr'))).toEqual([]);
  });

  it('accepts -f inet:cidr and inet:dotted', () => {
    const [a] = parseIfconfigText('em0: flags=8843<UP> metric 0 mtu 1500\n\tinet 192.0.2.1/24 broadcast 192.0.2.255 vhid 7\n\tinet 192.0.2.9 netmask 255.255.255.128 broadcast 192.0.2.127\n');
    expect(a!.addresses).toEqual([
      { family: 'inet', address: '192.0.2.1', prefixlen: 24, broadcast: '192.0.2.255', vhid: 7 },
      { family: 'inet', address: '192.0.2.9', prefixlen: 25, broadcast: '192.0.2.127' },
    ]);
  });
});

describe('parseIfconfigText on bad input', () => {
  it.each([
    ['empty', ''],
    ['binary', '\u0000\u0001\u00ff\ufffd'.repeat(100)],
    ['a carp line without a header', '\tcarp: MASTER vhid 1 advbase 1 advskew 0\n'],
    ['CRLF endings', 'em0: flags=8843<UP,RUNNING> metric 0 mtu 1500\r\n\tcarp: MASTER vhid 1 advbase 1 advskew 0\r\n'],
  ])('%s: no throw, no invented vhid', (_why, text) => {
    const parsed = parseIfconfigText(text);
    for (const iface of parsed) for (const c of iface.carp) expect(text).toContain(String(c.vhid));
  });

  it('rejects out-of-range and malformed vhids instead of guessing', () => {
    const text = 'em0: flags=8843<UP> metric 0 mtu 1500\n\tcarp: MASTER vhid 0 advbase 1 advskew 0\n\tcarp: MASTER vhid 256 advbase 1 advskew 0\n\tcarp: MASTER vhid 1e1 advbase 1 advskew 0\n\tcarp: MASTER vhid -3 advbase 1 advskew 0\n\tcarp: MASTER advbase 1 advskew 0\n\tinet 192.0.2.1 netmask 0xffffff00 vhid 999\n';
    const [em0] = parseIfconfigText(text);
    expect(em0!.carp).toEqual([]);
    expect(em0!.addresses[0]!.vhid).toBeUndefined();
  });

  it('an unknown state word is UNKNOWN, not a guess', () => {
    const [em0] = parseIfconfigText('em0: flags=8843<UP> metric 0 mtu 1500\n\tcarp: MASTERISH vhid 4 advbase 1 advskew 0\n');
    expect(em0!.carp[0]).toMatchObject({ vhid: 4, state: 'UNKNOWN' });
  });

  it('cuts oversized input instead of choking on it', () => {
    const huge = `em0: flags=8843<UP> metric 0 mtu 1500\n${'\tcarp: MASTER vhid 1 advbase 1 advskew 0\n'.repeat(200_000)}`;
    const parsed = parseIfconfigText(huge);
    expect(parsed[0]!.carp.length).toBeLessThan(200_000);
  });
});

// Property: whatever happens to real outputs (lines dropped, duplicated, cut, bytes flipped,
// junk inserted), the parser neither throws nor reports a vhid the text does not contain.
const FIXTURES = [
  'fbsd9-carp0-unknown.txt',
  'fbsd10-em0-two-vhids.txt',
  'fbsd13-vmx0-inet6-vhid.txt',
  'fbsd14-vtnet0-peer.txt',
  'fbsd14-igb1-init-no-carrier.txt',
  'fbsd15-vtnet1-vrrp.txt',
  'fbsd13-all-interfaces.txt',
  'fbsd14-gre0-up.txt',
].map(fixture);

const mutatedOutput = fc
  .tuple(
    fc.constantFrom(...FIXTURES),
    fc.array(
      fc.oneof(
        fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }),
        fc.record({ kind: fc.constant('dup' as const), at: fc.nat() }),
        fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
        fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), ch: fc.string({ minLength: 1, maxLength: 1, unit: 'binary' }) }),
        fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.string({ maxLength: 40 }) }),
        fc.record({ kind: fc.constant('line' as const), at: fc.nat(), text: fc.constantFrom('\tcarp: ', '\tvrrp: MASTER vrid', '\t      peer 1.2.3.4', 'x: flags=1<UP>', '\tinet6', '\ttunnel inet -->') }),
      ),
      { maxLength: 8 },
    ),
  )
  .map(([base, edits]) => {
    let text = base;
    for (const edit of edits) {
      const lines = text.split('\n');
      const li = lines.length ? edit.at % lines.length : 0;
      const ci = text.length ? edit.at % text.length : 0;
      if (edit.kind === 'drop') lines.splice(li, 1), (text = lines.join('\n'));
      else if (edit.kind === 'dup') lines.splice(li, 0, lines[li] ?? ''), (text = lines.join('\n'));
      else if (edit.kind === 'cut') text = text.slice(0, ci);
      else if (edit.kind === 'flip') text = text.slice(0, ci) + edit.ch + text.slice(ci + 1);
      else if (edit.kind === 'insert') text = text.slice(0, ci) + edit.text + text.slice(ci);
      else lines.splice(li, 0, edit.text), (text = lines.join('\n'));
    }
    return text;
  });

describe('parseIfconfigText property', () => {
  it('never throws and never invents a vhid on mutated real outputs', () => {
    fc.assert(
      fc.property(mutatedOutput, (text) => {
        const parsed = parseIfconfigText(text);
        for (const iface of parsed) {
          for (const entry of iface.carp) {
            expect(entry.vhid).toBeGreaterThanOrEqual(1);
            expect(entry.vhid).toBeLessThanOrEqual(255);
            // The number was printed on a carp:/vrrp: line of the input.
            expect(text).toMatch(new RegExp(`(vhid|vrid) ${entry.vhid}(\\s|$)`));
          }
          for (const address of iface.addresses) if (address.vhid !== undefined) expect(text).toContain(`vhid ${address.vhid}`);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400, unit: 'binary' }), (text) => {
        for (const iface of parseIfconfigText(text)) for (const entry of iface.carp) expect(text).toContain(String(entry.vhid));
      }),
      { numRuns: 2000 },
    );
  });
});
