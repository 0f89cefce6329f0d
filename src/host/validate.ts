// Every name that reaches a command line is checked here first, so a hostile value from the
// config, an event or a socket is refused with INVALID_NAME before anything runs.
//
// Interface names: FreeBSD's IFNAMSIZ is 16 bytes including the NUL (sys/net/if.h). The kernel
// itself accepts almost any byte: SIOCSIFNAME in sys/net/if.c (ifhwioctl) only rejects an empty
// name, a name that does not fit IFNAMSIZ, and a duplicate (ifunit()), and ifconfig passes argv
// through verbatim. So ';', '/', spaces or a leading '-' would reach the kernel untouched. We
// accept only the safe subset INTERFACE_NAME (src/config/schema.ts): a leading letter (never a
// '-' that ifconfig would read as an option), then letters, digits, '.', '_', '-', 15 at most.
import { isIP } from 'node:net';
import { CarpFailoverError } from '../errors.js';
import { INTERFACE_NAME, MAC_ADDRESS } from '../config/schema.js';

/** The only sysctl names this service ever reads or writes. */
export const SYSCTL_NAMES = [
  'net.inet.carp.demotion',
  'net.inet.carp.preempt',
  'net.inet.carp.allow',
  'kern.boottime',
] as const;

export type SysctlName = (typeof SYSCTL_NAMES)[number];

const INTERFACE_RULE = 'a FreeBSD interface name: starts with a letter, then letters, digits, ".", "_" or "-", at most 15 characters (IFNAMSIZ 16 with the NUL)';
const VHID_RULE = 'an integer vhid from 1 to 255 (CARP_MAXVHID)';
const IP_RULE = 'an IPv4 or IPv6 address in numeric form';
const SYSCTL_RULE = `one of ${SYSCTL_NAMES.join(', ')}`;
const PREFIX_RULE = 'an integer prefix length from 1 to 128';
const MAC_RULE = 'a unicast Ethernet address in lower-case hex with colons, such as 02:00:00:ff:3e:98';

/** Builds the INVALID_NAME error: the offending value JSON-escaped, and the rule it broke. */
export function invalidName(kind: string, value: unknown, rule: string): CarpFailoverError {
  const shown = describeValue(value);
  return new CarpFailoverError('INVALID_NAME', `invalid ${kind} ${shown}: must be ${rule}`, {
    details: { kind, value: shown, rule },
  });
}

/** Returns the name when it is a safe FreeBSD interface name, else throws INVALID_NAME. */
export function validateInterfaceName(value: unknown): string {
  if (typeof value !== 'string' || !INTERFACE_NAME.test(value)) throw invalidName('interface name', value, INTERFACE_RULE);
  return value;
}

/** Returns the vhid when it is an integer 1–255, else throws INVALID_NAME. */
export function validateVhid(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 255) throw invalidName('vhid', value, VHID_RULE);
  return value;
}

/** Returns the address when node:net recognises it as IPv4 or IPv6 (no zone, no prefix). */
export function validateIpAddress(value: unknown): string {
  // No zone index: node:net accepts 'fe80::1%em0', but a zone smuggles an interface name past its own check.
  if (typeof value !== 'string' || value.length > 45 || value.includes('%') || isIP(value) === 0) throw invalidName('IP address', value, IP_RULE);
  return value;
}

/** Returns the prefix length when it is an integer 1–128, else throws INVALID_NAME. */
export function validatePrefixLength(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 128) throw invalidName('prefix length', value, PREFIX_RULE);
  return value;
}

/**
 * Returns the MAC when it is six lower-case hex octets with colons (what `ifconfig IF ether MAC`
 * reads through link_addr(3)) and unicast (an interface cannot take a multicast address: the
 * I/G bit, the low bit of the first octet, must be 0), else throws INVALID_NAME.
 */
export function validateMacAddress(value: unknown): string {
  if (typeof value !== 'string' || !MAC_ADDRESS.test(value) || (Number.parseInt(value.slice(0, 2), 16) & 1) === 1) throw invalidName('MAC address', value, MAC_RULE);
  return value;
}

/** Returns the sysctl name when it is on the fixed list, else throws INVALID_NAME. */
export function validateSysctlName(value: unknown): SysctlName {
  if (typeof value !== 'string' || !(SYSCTL_NAMES as readonly string[]).includes(value)) throw invalidName('sysctl name', value, SYSCTL_RULE);
  return value as SysctlName;
}

// JSON keeps control characters, quotes and unicode visible and unambiguous in logs; very long
// values are cut so a 1 MB hostile name cannot flood the journal.
function describeValue(value: unknown): string {
  let shown: string;
  try {
    shown = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    shown = Object.prototype.toString.call(value);
  }
  return shown.length > 120 ? `${shown.slice(0, 117)}...` : shown;
}
