import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { devdEventDropReason, parseDevdLine } from '../../src/events/devd.js';

describe('parseDevdLine', () => {
  // The line carp_set_state() makes devd(8) read, as a devd action passes it on.
  it.each([
    ['!system=CARP subsystem=1@vmx0 type=MASTER', 1, 'vmx0', 'MASTER'],
    ['system=CARP subsystem=1@vmx0 type=MASTER', 1, 'vmx0', 'MASTER'],
    ['!system=CARP subsystem=255@igb1.100 type=BACKUP', 255, 'igb1.100', 'BACKUP'],
    ['!system=CARP subsystem=12@em0 type=INIT', 12, 'em0', 'INIT'],
    ['  !system=CARP  subsystem=3@lagg0   type=MASTER  '.trim(), 3, 'lagg0', 'MASTER'],
    ['!type=MASTER subsystem=7@vtnet0 system=CARP', 7, 'vtnet0', 'MASTER'],
    ['!system="CARP" subsystem="2@vmx0" type="BACKUP"', 2, 'vmx0', 'BACKUP'],
  ])('parses %s', (line, vhid, iface, type) => {
    const result = parseDevdLine(line);
    expect(result).toEqual({ ok: true, event: { system: 'CARP', subsystem: `${vhid}@${iface}`, type, vhid, interface: iface } });
  });

  it('keeps extra variables out of the event and passes other systems through without a vhid', () => {
    expect(parseDevdLine('!system=CARP subsystem=1@vmx0 type=MASTER extra=1')).toMatchObject({ ok: true, event: { vhid: 1 } });
    expect(parseDevdLine('!system=IFNET subsystem=vmx0 type=LINK_UP')).toEqual({
      ok: true,
      event: { system: 'IFNET', subsystem: 'vmx0', type: 'LINK_UP' },
    });
  });

  it.each([
    ['', 'empty line'],
    ['!', 'empty line'],
    ['hello world', 'expected name=value'],
    ['!system=CARP subsystem=1@vmx0', 'required'],
    ['!system=CARP subsystem=0@vmx0 type=MASTER', 'outside 1-255'],
    ['!system=CARP subsystem=256@vmx0 type=MASTER', 'outside 1-255'],
    ['!system=CARP subsystem=1000@vmx0 type=MASTER', '<vhid>@<interface>'],
    ['!system=CARP subsystem=-1@vmx0 type=MASTER', '<vhid>@<interface>'],
    ['!system=CARP subsystem=vmx0 type=MASTER', '<vhid>@<interface>'],
    ['!system=CARP subsystem=1@ type=MASTER', '<vhid>@<interface>'],
    ['!system=CARP subsystem=1@vmx0;reboot type=MASTER', 'not an interface name'],
    ['!system=CARP subsystem=1@0vmx type=MASTER', 'not an interface name'],
    ['!system=CARP subsystem=1@averyveryverylongname0 type=MASTER', 'not an interface name'],
    ['!system=CARP subsystem=1@vmx0 type=master', 'CARP type must be one of'],
    ['!system=CARP subsystem=1@vmx0 type=DEMOTED', 'CARP type must be one of'],
    ['!system=CARP system=CARP subsystem=1@vmx0 type=MASTER', 'given twice'],
    ['!system="CARP subsystem=1@vmx0 type=MASTER', 'unterminated quote'],
    ['!system="CARP"x subsystem=1@vmx0 type=MASTER', 'after the closing quote'],
    ['!sys tem=CARP subsystem=1@vmx0 type=MASTER', 'bad variable name'],
    ['!system=CARP\tsubsystem=1@vmx0 type=MASTER', 'control'],
    ['!system=CARP subsystem=1@vmx0 type=MASTER\u0000', 'control'],
    ['!system=CARP subsystem=1@vmx0 type=MASTÉR', 'non-ASCII'],
  ])('rejects %j as malformed (%s)', (line, detail) => {
    const result = parseDevdLine(line);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toBe('malformed');
    expect(result.detail).toContain(detail);
  });

  it('never throws and never accepts a vhid outside 1-255, whatever the input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), devdLike()), (line) => {
        const result = parseDevdLine(line);
        if (result.ok && result.event.vhid !== undefined) {
          expect(result.event.vhid).toBeGreaterThanOrEqual(1);
          expect(result.event.vhid).toBeLessThanOrEqual(255);
          expect(result.event.interface).toMatch(/^[a-zA-Z][a-zA-Z0-9_.-]{0,14}$/);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('cuts long input short in its rejection detail', () => {
    const result = parseDevdLine(`!system=CARP subsystem=1@${'x'.repeat(900)} type=MASTER`);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.detail.length).toBeLessThan(120);
  });
});

describe('devdEventDropReason', () => {
  const followed = [
    { vhid: 1, interface: 'vmx0' },
    { vhid: 2, interface: 'vmx1' },
  ];
  const event = (line: string) => {
    const result = parseDevdLine(line);
    if (!result.ok) throw new Error(result.detail);
    return result.event;
  };

  it('delivers a followed vhid on its interface', () => {
    expect(devdEventDropReason(event('!system=CARP subsystem=1@vmx0 type=MASTER'), followed)).toBeNull();
    expect(devdEventDropReason(event('!system=CARP subsystem=2@vmx1 type=INIT'), followed)).toBeNull();
  });

  it('drops other vhids, the right vhid on another interface, and other systems', () => {
    expect(devdEventDropReason(event('!system=CARP subsystem=3@vmx0 type=MASTER'), followed)).toBe('unfollowed-vhid');
    expect(devdEventDropReason(event('!system=CARP subsystem=1@vmx1 type=MASTER'), followed)).toBe('unfollowed-vhid');
    expect(devdEventDropReason(event('!system=IFNET subsystem=vmx0 type=LINK_UP'), followed)).toBe('unknown-system');
    expect(devdEventDropReason(event('!system=CARP subsystem=1@vmx0 type=MASTER'), [])).toBe('unfollowed-vhid');
  });
});

/** Lines that look like devd's, with mutations: the interesting part of the input space. */
function devdLike(): fc.Arbitrary<string> {
  return fc
    .tuple(
      fc.constantFrom('!', '', '!!', ' '),
      fc.constantFrom('CARP', 'IFNET', '', 'carp', '"CARP"'),
      fc.oneof(fc.integer({ min: -5, max: 1000 }).map(String), fc.constantFrom('', '01', '1e2', '0x1')),
      fc.oneof(fc.constantFrom('vmx0', 'em1.10', '', 'a;b', '0x'), fc.string({ maxLength: 20 })),
      fc.constantFrom('MASTER', 'BACKUP', 'INIT', 'master', ''),
    )
    .map(([bang, system, vhid, iface, type]) => `${bang}system=${system} subsystem=${vhid}@${iface} type=${type}`);
}
