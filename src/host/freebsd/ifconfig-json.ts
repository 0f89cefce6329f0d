// Parses `ifconfig --libxo json [iface]` into the same model as the text parser.
//
// Stock FreeBSD ifconfig (14.x, 15.0) has no libxo: sbin/ifconfig/Makefile links no libxo
// (freebsd/freebsd-src@023fc80e) and `ifconfig --libxo json lo0` fails, so the reader falls back
// to text there (see ifconfig-reader.ts). The libxo port of ifconfig under review
// (paigeadelethompson/freebsd-src@28e0d866, sbin/ifconfig/ifconfig_output.c and
// ifconfig_netlink.c status_nl) emits, per interface: {:ifname}, {:flags-hex},
// {le:interface-flags} (a list), {:metric}, {:mtu}, {:tunnel-src}/{:tunnel-dst}; an "addresses"
// container of "address" instances with {:inet-addr}|{:inet6-addr}, {:dst-addr}, {:netmask}
// (0x%lx), {:prefixlen}, {:broadcast}, {:vhid}; and, outside the addresses, per vhid
// {:carp-state}{:vhid}{:advbase}{:advskew} then {:carp_peer}{:carp_peer6}, or
// {:vrrp_state}{:vrid}{:vrrp_prio}{:vrrp_interval} — several vhids repeat these keys in one
// object, hence the order-keeping reader; and a "link-address" list of {:addr-type} ("ether",
// then "hwaddr" only while it differs) with {:link-addr} (af_link.c print_ether @aeba9097).
// Container names may still change, so interfaces are
// found as "objects with an ifname" and addresses as "objects with inet-addr/inet6-addr".
import {
  carpStateFromText,
  etherFromText,
  prefixFromNetmask,
  uintFromText,
  vhidFromText,
  type CarpEntry,
  type InterfaceAddress,
  type ParsedInterface,
} from './ifconfig-model.js';
import { MAX_IFCONFIG_BYTES } from './ifconfig-text.js';
import { OrderedObject, parseOrderedJson, type OrderedValue } from './ordered-json.js';

export type IfconfigJsonResult = { ok: true; interfaces: ParsedInterface[] } | { ok: false; reason: string };

/** Parses libxo JSON; never throws (a bad document is { ok: false, reason }). */
export function parseIfconfigJson(text: string): IfconfigJsonResult {
  if (typeof text !== 'string' || text.length > MAX_IFCONFIG_BYTES) return { ok: false, reason: 'not a string or too large' };
  let root: OrderedValue;
  try {
    root = parseOrderedJson(text);
  } catch (error) {
    return { ok: false, reason: `not JSON: ${(error as Error).message}` };
  }
  const found: OrderedObject[] = [];
  collect(root, (object) => typeof object.get('ifname') === 'string', found);
  if (found.length === 0) return { ok: false, reason: 'no interface object (no "ifname") in the document' };
  return { ok: true, interfaces: found.map(toInterface) };
}

// Depth-first, document order; does not descend into a match (interfaces do not nest).
function collect(value: OrderedValue, match: (object: OrderedObject) => boolean, out: OrderedObject[]): void {
  if (Array.isArray(value)) for (const item of value) collect(item, match, out);
  else if (value instanceof OrderedObject) {
    if (match(value)) out.push(value);
    else for (const [, child] of value.entries) collect(child, match, out);
  }
}

function text(value: OrderedValue | undefined): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

function isAddress(object: OrderedObject): boolean {
  return object.get('inet-addr') !== undefined || object.get('inet6-addr') !== undefined;
}

function toInterface(object: OrderedObject): ParsedInterface {
  const flagsValue = object.get('interface-flags');
  const flags = (Array.isArray(flagsValue) ? flagsValue : [])
    .map((flag) => text(flag))
    .filter((flag): flag is string => flag !== undefined && /^[A-Z0-9_]{1,32}$/.test(flag));
  const source = text(object.get('tunnel-src'));
  const destination = text(object.get('tunnel-dst'));
  const addresses: OrderedObject[] = [];
  collect(object, isAddress, addresses);
  const parsed: ParsedInterface = {
    name: text(object.get('ifname'))!.slice(0, 15),
    flags,
    up: flags.includes('UP'),
    running: flags.includes('RUNNING'),
    mtu: uintFromText(text(object.get('mtu')), 65535) ?? null,
    addresses: addresses.map(toAddress).filter((a): a is InterfaceAddress => a !== null),
    carp: carpEntries(object),
    tunnel: source !== undefined && destination !== undefined && isIpText(source) && isIpText(destination)
      ? { family: source.includes(':') ? 'inet6' : 'inet', source: source.split('%')[0]!, destination: destination.split('%')[0]! }
      : null,
  };
  for (const link of linkAddresses(object)) {
    const type = text(link.get('addr-type'));
    const mac = etherFromText(text(link.get('link-addr')));
    if ((type === 'ether' || type === 'hwaddr') && mac !== undefined && parsed[type] === undefined) parsed[type] = mac;
  }
  return parsed;
}

function linkAddresses(object: OrderedObject): OrderedObject[] {
  const found: OrderedObject[] = [];
  collect(object, (candidate) => candidate !== object && candidate.get('link-addr') !== undefined, found);
  return found;
}

function isIpText(value: string): boolean {
  return /^[0-9a-fA-F:.]{2,45}(%[^\s]{1,16})?$/.test(value);
}

function toAddress(object: OrderedObject): InterfaceAddress | null {
  const v4 = text(object.get('inet-addr'));
  const v6 = text(object.get('inet6-addr'));
  const raw = v4 ?? v6;
  if (raw === undefined || !isIpText(raw.split('/')[0]!)) return null;
  const family = v4 !== undefined ? 'inet' : 'inet6';
  const entry: InterfaceAddress = { family, address: raw.split('%')[0]!.split('/')[0]! };
  const destination = text(object.get('dst-addr'));
  if (destination !== undefined && isIpText(destination)) entry.destination = destination.split('%')[0]!;
  const prefixlen = uintFromText(text(object.get('prefixlen')), 128) ?? (family === 'inet' ? prefixFromNetmask(netmaskText(object.get('netmask'))) : undefined);
  if (prefixlen !== undefined) entry.prefixlen = prefixlen;
  const broadcast = text(object.get('broadcast'));
  if (broadcast !== undefined && /^\d{1,3}(\.\d{1,3}){3}$/.test(broadcast)) entry.broadcast = broadcast;
  const vhid = vhidFromText(text(object.get('vhid')));
  if (vhid !== undefined) entry.vhid = vhid;
  return entry;
}

// libxo may print "0x%lx" as a string or, if it reads it as numeric, as a bare number.
function netmaskText(value: OrderedValue | undefined): string | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return `0x${value.toString(16)}`;
  return text(value);
}

// Walks the interface's own keys (and any nested non-address container) in order: each
// carp-state / vrrp_state starts one entry, the keys after it fill that entry.
function carpEntries(object: OrderedObject): CarpEntry[] {
  const entries: CarpEntry[] = [];
  let current: { entry: Partial<CarpEntry> & { protocol: 'carp' | 'vrrp' } } | null = null;
  const flush = () => {
    if (current && current.entry.vhid !== undefined) entries.push(current.entry as CarpEntry);
    current = null;
  };
  const visit = (node: OrderedObject) => {
    for (const [key, value] of node.entries) {
      if (value instanceof OrderedObject || Array.isArray(value)) {
        const children = Array.isArray(value) ? value : [value];
        for (const child of children) if (child instanceof OrderedObject && !isAddress(child) && child.get('ifname') === undefined) visit(child);
        continue;
      }
      const word = text(value);
      if (key === 'carp-state' || key === 'vrrp_state') {
        flush();
        current = { entry: { protocol: key === 'carp-state' ? 'carp' : 'vrrp', state: carpStateFromText(word === '<UNKNOWN>' ? undefined : word) } };
        continue;
      }
      if (current === null) continue;
      const entry: Partial<CarpEntry> = (current as { entry: Partial<CarpEntry> }).entry;
      if ((key === 'vhid' || key === 'vrid') && entry.vhid === undefined) {
        const vhid = vhidFromText(word);
        if (vhid !== undefined) entry.vhid = vhid;
      } else if (key === 'advbase') setNumber(entry, 'advbase', word, 255);
      else if (key === 'advskew') setNumber(entry, 'advskew', word, 255);
      else if (key === 'vrrp_prio') setNumber(entry, 'vrrpPriority', word, 255);
      else if (key === 'vrrp_interval') setNumber(entry, 'vrrpInterval', word, 65535);
      else if (key === 'carp_peer' && word !== undefined && /^\d{1,3}(\.\d{1,3}){3}$/.test(word)) entry.peer = word;
      else if (key === 'carp_peer6' && word !== undefined && isIpText(word)) entry.peer6 = word;
    }
  };
  visit(object);
  flush();
  return entries;
}

function setNumber(entry: Partial<CarpEntry>, field: 'advbase' | 'advskew' | 'vrrpPriority' | 'vrrpInterval', word: string | undefined, max: number): void {
  const value = uintFromText(word, max);
  if (value !== undefined) entry[field] = value;
}
