// What this service reads from `ifconfig`: one shape for the text and the libxo JSON parsers,
// for CARP observation, GRE observation and `check-config --host`.

/** A vhid's state as carp_states[] prints it (sys/netinet/ip_carp.h CARP_STATES), or UNKNOWN for
 *  "<UNKNOWN>" (ifcarp.c before FreeBSD 10) and anything else we cannot read. */
export type ParsedCarpState = 'INIT' | 'BACKUP' | 'MASTER' | 'UNKNOWN';

/** One `carp:` line (and its `peer` line, FreeBSD 14+) or one `vrrp:` line (FreeBSD 15 VRRPv3). */
export interface CarpEntry {
  protocol: 'carp' | 'vrrp';
  vhid: number;
  state: ParsedCarpState;
  advbase?: number;
  advskew?: number;
  /** Unicast peer or the multicast group (224.0.0.18) a FreeBSD 14+ vhid advertises to. */
  peer?: string;
  peer6?: string;
  /** VRRPv3 priority and advertisement interval (centiseconds), FreeBSD 15. */
  vrrpPriority?: number;
  vrrpInterval?: number;
}

/** One `inet` or `inet6` line. */
export interface InterfaceAddress {
  family: 'inet' | 'inet6';
  address: string;
  /** Point-to-point destination (`--> 10.0.0.2`), gre(4) inner addresses. */
  destination?: string;
  prefixlen?: number;
  broadcast?: string;
  vhid?: number;
}

/** A gre(4)/gif(4) `tunnel inet SRC --> DST` line. */
export interface TunnelEndpoints {
  family: 'inet' | 'inet6';
  source: string;
  destination: string;
}

/** One interface as ifconfig shows it. */
export interface ParsedInterface {
  name: string;
  flags: string[];
  up: boolean;
  running: boolean;
  mtu: number | null;
  addresses: InterfaceAddress[];
  carp: CarpEntry[];
  tunnel: TunnelEndpoints | null;
  /** The current link-level address (`ether` line), lower case; absent on interfaces without one (gre, lo). */
  ether?: string;
  /** The hardware address read at attach (`hwaddr` line): printed only while it differs from `ether`. */
  hwaddr?: string;
}

/** An Ethernet address as ether_ntoa(3) prints it (%02x, colons); lower-cased, or undefined. */
export function etherFromText(token: string | undefined): string | undefined {
  return token !== undefined && /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/.test(token) ? token.toLowerCase() : undefined;
}

/** Maps ifconfig's state word to ours; never throws. */
export function carpStateFromText(word: string | undefined): ParsedCarpState {
  return word === 'INIT' || word === 'BACKUP' || word === 'MASTER' ? word : 'UNKNOWN';
}

/** A vhid/vrid as printed (%d), accepted only in CARP's range 1..255 (CARP_MAXVHID). */
export function vhidFromText(token: string | undefined): number | undefined {
  if (token === undefined || !/^[0-9]{1,3}$/.test(token)) return undefined;
  const value = Number(token);
  return value >= 1 && value <= 255 ? value : undefined;
}

/** A small non-negative integer as printed by %d/%u; undefined when it is not one. */
export function uintFromText(token: string | undefined, max = 0xffffffff): number | undefined {
  if (token === undefined || !/^[0-9]{1,10}$/.test(token)) return undefined;
  const value = Number(token);
  return value <= max ? value : undefined;
}

/** Prefix length from an IPv4 netmask printed as 0xffffff00 (default) or 255.255.255.0 (-f inet:dotted). */
export function prefixFromNetmask(mask: string | undefined): number | undefined {
  if (mask === undefined) return undefined;
  let bits: number;
  if (/^0x[0-9a-fA-F]{1,8}$/.test(mask)) bits = Number.parseInt(mask.slice(2), 16);
  else if (/^\d{1,3}(\.\d{1,3}){3}$/.test(mask)) bits = mask.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
  else return undefined;
  const inverted = ~bits >>> 0;
  // A netmask is contiguous ones: the inverted value plus one is a power of two.
  if (((inverted + 1) & inverted) !== 0 && inverted !== 0xffffffff) return undefined;
  let count = 0;
  for (let b = bits >>> 0; b !== 0; b = (b << 1) >>> 0) count++;
  return count;
}
