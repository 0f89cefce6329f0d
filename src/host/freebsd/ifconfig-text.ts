// Parses `ifconfig [iface]` text as FreeBSD 10–15 print it. Formats, all in freebsd/freebsd-src:
//  - header  "%s: flags=%x<...> metric %d mtu %d"        sbin/ifconfig/ifconfig.c (status, printb)
//  - "\tinet %s[ --> %s] netmask 0x%lx[ broadcast %s][ vhid %d]"   sbin/ifconfig/af_inet.c
//    (in_status / in_status_nl, @01792dd7; "-f inet:cidr|dotted" print "/%d" or a dotted mask)
//  - "\tinet6 %s[ --> %s] prefixlen %d[ flags][ scopeid 0x%x][ vhid %d]"  sbin/ifconfig/af_inet6.c
//  - "\ttunnel inet %s --> %s" / "\ttunnel inet6 %s --> %s"  af_inet.c / af_inet6.c in_status_tunnel
//  - "\tcarp: %s vhid %d advbase %d advskew %d[ key \"%s\"]"  sbin/ifconfig/ifcarp.c (10–13),
//    carp.c (14+, @101e1a49) which adds "\t      peer %s peer6 %s"; "<UNKNOWN>" from ifcarp.c
//    before 10 (@039ea811, state > CARP_MAXSTATE)
//  - "\tvrrp: %s vrid %d prio %d interval %d"  sbin/ifconfig/carp.c with carpver 3 (FreeBSD 15)
//  - "\tether %s" then, only while it differs, "\thwaddr %s" (ether_ntoa)  sbin/ifconfig/af_link.c
//    link_status_nl() / print_ether() (@e4452d45; link_status() with SIOCGHWADDR before netlink)
// It never throws: unknown lines are skipped, numbers are accepted only where the format puts
// them, and a vhid is reported only when it was printed on a carp:/vrrp: line.
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

/** Output larger than this is cut: no real ifconfig prints megabytes for a few interfaces. */
export const MAX_IFCONFIG_BYTES = 4 * 1024 * 1024;

const HEADER = /^([^\s:]{1,15}): flags=([0-9a-fA-F]{1,8})<([^>]*)>(.*)$/;

/** Parses every interface block in the text; garbage yields fewer (or no) interfaces, never an exception. */
export function parseIfconfigText(text: string): ParsedInterface[] {
  const interfaces: ParsedInterface[] = [];
  if (typeof text !== 'string') return interfaces;
  let current: ParsedInterface | null = null;
  for (const rawLine of text.slice(0, MAX_IFCONFIG_BYTES).split('\n')) {
    const line = rawLine.replace(/\r$/, '');
    const header = HEADER.exec(line);
    if (header) {
      current = headerToInterface(header);
      interfaces.push(current);
      continue;
    }
    if (current === null || !/^[\t ]/.test(line)) {
      // A line that is neither a header nor indented ends the block: it is not ours.
      if (line.trim() !== '') current = null;
      continue;
    }
    parseBodyLine(current, line.trim().split(/[\t ]+/));
  }
  return interfaces;
}

function headerToInterface(match: RegExpExecArray): ParsedInterface {
  const flags = (match[3] ?? '').split(',').filter((flag) => /^[A-Z0-9_]{1,32}$/.test(flag));
  const rest = (match[4] ?? '').trim().split(/\s+/);
  const mtuAt = rest.indexOf('mtu');
  return {
    name: match[1]!,
    flags,
    up: flags.includes('UP'),
    running: flags.includes('RUNNING'),
    mtu: mtuAt >= 0 ? (uintFromText(rest[mtuAt + 1], 65535) ?? null) : null,
    addresses: [],
    carp: [],
    tunnel: null,
  };
}

function parseBodyLine(iface: ParsedInterface, tokens: string[]): void {
  switch (tokens[0]) {
    case 'inet':
    case 'inet6':
      parseAddress(iface, tokens);
      return;
    case 'carp:':
      parseVhidLine(iface, tokens, 'carp');
      return;
    case 'vrrp:':
      parseVhidLine(iface, tokens, 'vrrp');
      return;
    case 'peer':
      parsePeer(iface, tokens);
      return;
    case 'tunnel':
      parseTunnel(iface, tokens);
      return;
    case 'ether':
    case 'hwaddr': {
      const mac = etherFromText(tokens[1]);
      if (mac !== undefined) iface[tokens[0]] = mac;
      return;
    }
    default:
      return;
  }
}

function valueAfter(tokens: string[], key: string, from = 1): string | undefined {
  const at = tokens.indexOf(key, from);
  return at >= 0 ? tokens[at + 1] : undefined;
}

function parseAddress(iface: ParsedInterface, tokens: string[]): void {
  const family = tokens[0] as 'inet' | 'inet6';
  const raw = tokens[1];
  if (raw === undefined || !/^[0-9a-fA-F:.]+(%[^\s/]{1,16})?(\/\d{1,3})?$/.test(raw)) return;
  const [withZone, cidr] = raw.split('/');
  const address = withZone!.split('%')[0]!;
  const entry: InterfaceAddress = { family, address };
  if (tokens[2] === '-->' && tokens[3] !== undefined && /^[0-9a-fA-F:.%a-zA-Z]+$/.test(tokens[3])) entry.destination = tokens[3].split('%')[0]!;
  const prefixlen = cidr !== undefined ? uintFromText(cidr, 128) : family === 'inet' ? prefixFromNetmask(valueAfter(tokens, 'netmask')) : uintFromText(valueAfter(tokens, 'prefixlen'), 128);
  if (prefixlen !== undefined) entry.prefixlen = prefixlen;
  const broadcast = valueAfter(tokens, 'broadcast');
  if (broadcast !== undefined && /^\d{1,3}(\.\d{1,3}){3}$/.test(broadcast)) entry.broadcast = broadcast;
  const vhid = vhidFromText(valueAfter(tokens, 'vhid'));
  if (vhid !== undefined) entry.vhid = vhid;
  iface.addresses.push(entry);
}

/**
 * "carp: STATE vhid N advbase N advskew N" and, FreeBSD 15, "vrrp: STATE vrid N prio N interval N":
 * the positions are fixed by carp.c's printf, so each line is its id word and two named numbers.
 */
const VHID_LINES = {
  carp: { id: 'vhid', fields: [['advbase', 255, 'advbase'], ['advskew', 255, 'advskew']] },
  vrrp: { id: 'vrid', fields: [['prio', 255, 'vrrpPriority'], ['interval', 65535, 'vrrpInterval']] },
} as const;

function parseVhidLine(iface: ParsedInterface, tokens: string[], protocol: keyof typeof VHID_LINES): void {
  const shape = VHID_LINES[protocol];
  if (tokens[2] !== shape.id) return;
  const vhid = vhidFromText(tokens[3]);
  if (vhid === undefined) return;
  const entry: CarpEntry = { protocol, vhid, state: carpStateFromText(tokens[1]) };
  shape.fields.forEach(([word, max, key], i) => {
    const value = tokens[4 + 2 * i] === word ? uintFromText(tokens[5 + 2 * i], max) : undefined;
    if (value !== undefined) entry[key] = value;
  });
  iface.carp.push(entry);
}

function parsePeer(iface: ParsedInterface, tokens: string[]): void {
  // "\t      peer %s peer6 %s" always follows its carp: line (carp.c carp_status).
  const last = iface.carp[iface.carp.length - 1];
  if (last === undefined || last.protocol !== 'carp' || last.peer !== undefined) return;
  if (tokens[1] !== undefined && /^\d{1,3}(\.\d{1,3}){3}$/.test(tokens[1])) last.peer = tokens[1];
  if (tokens[2] === 'peer6' && tokens[3] !== undefined && /^[0-9a-fA-F:.]+$/.test(tokens[3])) last.peer6 = tokens[3];
}

function parseTunnel(iface: ParsedInterface, tokens: string[]): void {
  // tunnel inet SRC --> DST
  const family = tokens[1];
  if ((family !== 'inet' && family !== 'inet6') || tokens[3] !== '-->') return;
  const [source, destination] = [tokens[2], tokens[4]];
  if (source === undefined || destination === undefined) return;
  if (!/^[0-9a-fA-F:.]+(%\S+)?$/.test(source) || !/^[0-9a-fA-F:.]+(%\S+)?$/.test(destination)) return;
  iface.tunnel = { family, source: source.split('%')[0]!, destination: destination.split('%')[0]! };
}
