import { describe, expect, it } from 'vitest';
import { CarpFailoverError } from '../../src/errors.js';
import {
  SYSCTL_NAMES,
  validateInterfaceName,
  validateIpAddress,
  validatePrefixLength,
  validateSysctlName,
  validateVhid,
} from '../../src/host/validate.js';

function rejection(fn: () => unknown): CarpFailoverError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CarpFailoverError);
    return error as CarpFailoverError;
  }
  throw new Error('expected a rejection');
}

describe('validateInterfaceName', () => {
  it.each(['em0', 'vmx0', 'gre0', 'lagg0.100', 'vlan_42', 'igb-wan', 'a23456789012345'])('accepts %s', (name) => {
    expect(validateInterfaceName(name)).toBe(name);
  });

  const hostile: Array<[string, unknown]> = [
    ['a command separator', 'em0;reboot'],
    ['a path', '../x'],
    ['200 characters', 'e'.repeat(200)],
    ['16 characters (no room for the NUL)', 'a234567890123456'],
    ['the empty string', ''],
    ['unicode', 'em0é'],
    ['a homoglyph', 'еm0'],
    ['a newline', 'em0\nreboot'],
    ['a leading dash (an ifconfig option)', '-a'],
    ['a space', 'em0 down'],
    ['a NUL', 'em0\u0000'],
    ['a shell expansion', '$(id)'],
    ['a number', 0],
    ['undefined', undefined],
  ];
  it.each(hostile)('rejects %s with INVALID_NAME, the escaped value and the rule', (_why, value) => {
    const error = rejection(() => validateInterfaceName(value));
    expect(error.code).toBe('INVALID_NAME');
    expect(error.details.kind).toBe('interface name');
    expect(String(error.details.rule)).toMatch(/at most 15 characters/);
    expect(error.message).toContain('invalid interface name');
    // Control characters never appear raw in the message (logs stay one line).
    expect(error.message).not.toMatch(/[\u0000-\u001f]/);
  });

  it('shows the offending value JSON-escaped', () => {
    expect(rejection(() => validateInterfaceName('em0\nreboot')).details.value).toBe('"em0\\nreboot"');
    expect(rejection(() => validateInterfaceName('em0;reboot')).message).toContain('"em0;reboot"');
  });

  it('cuts a huge value in the message', () => {
    const error = rejection(() => validateInterfaceName('x'.repeat(100_000)));
    expect(error.message.length).toBeLessThan(400);
  });
});

describe('validateVhid', () => {
  it.each([1, 2, 254, 255])('accepts %d', (vhid) => expect(validateVhid(vhid)).toBe(vhid));
  it.each([0, 256, -1, 1.5, Number.NaN, '1', null])('rejects %s', (vhid) => {
    expect(rejection(() => validateVhid(vhid)).code).toBe('INVALID_NAME');
  });
});

describe('validateIpAddress', () => {
  it.each(['192.0.2.1', '2001:db8::1', '::1', 'fe80::1'])('accepts %s', (ip) => expect(validateIpAddress(ip)).toBe(ip));
  it.each(['192.0.2.1;reboot', '192.0.2.256', '10.0.0.1/30', 'fe80::1%em0', '-1', '', 'localhost', 5])('rejects %s', (ip) => {
    expect(rejection(() => validateIpAddress(ip)).code).toBe('INVALID_NAME');
  });
});

describe('validatePrefixLength', () => {
  it('accepts 1..128 and rejects the rest', () => {
    expect(validatePrefixLength(64)).toBe(64);
    expect(rejection(() => validatePrefixLength(0)).code).toBe('INVALID_NAME');
    expect(rejection(() => validatePrefixLength(129)).code).toBe('INVALID_NAME');
  });
});

describe('validateSysctlName', () => {
  it('accepts exactly the fixed list', () => {
    for (const name of SYSCTL_NAMES) expect(validateSysctlName(name)).toBe(name);
  });
  it.each(['net.inet.carp.demotion=0', 'kern.securelevel', 'net.inet.carp', '', 'net.inet.carp.demotion\n'])('rejects %j', (name) => {
    const error = rejection(() => validateSysctlName(name));
    expect(error.code).toBe('INVALID_NAME');
    expect(String(error.details.rule)).toContain('net.inet.carp.demotion');
  });
});
