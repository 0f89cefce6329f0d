// devd(8) notification lines → DevdEvent. The kernel side is carp_set_state() in
// sys/netinet/ip_carp.c, which calls devctl_notify("CARP", "<vhid>@<ifname>", "MASTER"|"BACKUP"|
// "INIT", NULL) with the subsystem built by snprintf("%u@%s") (freebsd/freebsd-src
// 5aad022c0d28f45f8db97615fb55cadc78290a95); devd reads "!system=CARP subsystem=1@vmx0 type=MASTER",
// drops the leading '!' (the notify type) and splits the rest into variables in config::chop_var()
// in sbin/devd/devd.cc (freebsd/freebsd-src b7d67367bcc35670b54be5ced0993fca1910e5ed): a name of
// [A-Za-z0-9_-], '=', then either a "double-quoted" value or everything up to the next blank.
// A devd action passes the line on with `printf '%s\n' '!system=$system ...' | nc -N -U <sock>`,
// so we accept it with or without the '!'. The event is only a hint: the engine re-reads CARP.
import { INTERFACE_NAME } from '../config/schema.js';
import type { DevdEvent, DropReason } from '../control/service-api.js';
import type { FollowedVhid } from '../host/freebsd/ports.js';

/** The states carp_set_state() announces (CARP_STATES in sys/netinet/ip_carp.h). */
export const CARP_EVENT_TYPES = ['INIT', 'BACKUP', 'MASTER'] as const;

/** A parsed line, or why it was rejected (the reason is counted, the detail is logged). */
export type DevdParseResult = { ok: true; event: DevdEvent } | { ok: false; reason: DropReason; detail: string };

const NAME = /^[A-Za-z0-9_-]+$/;
/** "%u@%s": an unsigned vhid, '@', the parent interface's name. */
const CARP_SUBSYSTEM = /^(\d{1,3})@(.+)$/;
const PRINTABLE = /^[\x20-\x7e]*$/;

/** Parses one line (without its newline) as devd's notify format. */
export function parseDevdLine(line: string): DevdParseResult {
  const body = line.startsWith('!') ? line.slice(1) : line;
  if (!PRINTABLE.test(body)) return reject('malformed', 'control or non-ASCII characters');
  const vars = splitVars(body);
  if (typeof vars === 'string') return reject('malformed', vars);
  const { system, subsystem, type } = vars;
  if (system === undefined || subsystem === undefined || type === undefined) {
    return reject('malformed', 'system, subsystem and type are all required');
  }
  const event: DevdEvent = { system, subsystem, type };
  if (system !== 'CARP') return { ok: true, event };

  const match = CARP_SUBSYSTEM.exec(subsystem);
  if (!match) return reject('malformed', `CARP subsystem must be <vhid>@<interface>, got ${quote(subsystem)}`);
  const vhid = Number(match[1]);
  const iface = match[2]!;
  if (vhid < 1 || vhid > 255) return reject('malformed', `vhid ${vhid} is outside 1-255`);
  if (!INTERFACE_NAME.test(iface)) return reject('malformed', `${quote(iface)} is not an interface name`);
  if (!(CARP_EVENT_TYPES as readonly string[]).includes(type)) {
    return reject('malformed', `CARP type must be one of ${CARP_EVENT_TYPES.join(', ')}, got ${quote(type)}`);
  }
  return { ok: true, event: { ...event, vhid, interface: iface } };
}

/**
 * What the intake does with a well-formed event: null to deliver it, else the drop reason.
 * Only CARP events for a followed vhid on its configured interface are delivered.
 */
export function devdEventDropReason(event: DevdEvent, followed: readonly FollowedVhid[]): DropReason | null {
  if (event.system !== 'CARP' || event.vhid === undefined) return 'unknown-system';
  const known = followed.some((f) => f.vhid === event.vhid && f.interface === event.interface);
  return known ? null : 'unfollowed-vhid';
}

/** devd's chop_var() loop: name=value or name="value", separated by spaces (tabs are rejected earlier). */
function splitVars(body: string): Record<string, string> | string {
  const vars: Record<string, string> = Object.create(null) as Record<string, string>;
  let rest = body.trim();
  if (rest === '') return 'empty line';
  while (rest !== '') {
    const eq = rest.indexOf('=');
    if (eq <= 0) return `expected name=value at ${quote(rest)}`;
    const name = rest.slice(0, eq);
    if (!NAME.test(name)) return `bad variable name ${quote(name)}`;
    let value: string;
    let after: string;
    if (rest[eq + 1] === '"') {
      const close = rest.indexOf('"', eq + 2);
      if (close < 0) return `unterminated quote after ${name}=`;
      value = rest.slice(eq + 2, close);
      after = rest.slice(close + 1);
      if (after !== '' && after[0] !== ' ') return `text after the closing quote of ${name}`;
    } else {
      const blank = rest.indexOf(' ');
      const end = blank < 0 ? rest.length : blank;
      value = rest.slice(eq + 1, end);
      after = rest.slice(end);
    }
    if (name in vars) return `${name} given twice`;
    vars[name] = value;
    rest = after.trimStart();
  }
  return vars;
}

function reject(reason: DropReason, detail: string): DevdParseResult {
  return { ok: false, reason, detail };
}

/** Quotes a fragment of input for a log line, cut short so a log line stays small. */
function quote(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}
