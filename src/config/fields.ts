// Field types of the schema whose rules are more than a range: names that reach a command, a URL
// or a path the daemon trusts as root. Each refusal says what is expected, never "must match".
import { isIPv4 } from 'node:net';
import { posix } from 'node:path';
import { z } from 'zod';

/**
 * FreeBSD interface names, as a bare (unanchored) POSIX ERE that devd(8) and JavaScript read
 * alike: IFNAMSIZ is 16 including the NUL; a letter, then letters, digits, '.', '_', '-'. The
 * devd rule (devd/carp-failover.conf) carries the same text; test/devd checks they stay one.
 */
export const INTERFACE_NAME_PATTERN = '[a-zA-Z][a-zA-Z0-9_.-]{0,14}';

/** INTERFACE_NAME_PATTERN, anchored. */
export const INTERFACE_NAME = new RegExp('^' + INTERFACE_NAME_PATTERN + '$');

/** A FreeBSD interface name in the config. */
export const interfaceName = z.string().regex(INTERFACE_NAME, 'must be a FreeBSD interface name (letters, digits, ".", "_", "-"; at most 15 characters; starts with a letter)');

/** The one IPv4 address form we accept: four decimal octets 0-255, no leading zeros. */
export function isDottedQuad(text: string): boolean {
  return isIPv4(text) && text.split('.').every((octet) => octet === String(Number(octet)));
}

/** An IPFO as OVH writes it: one IPv4 address as a /32 block. */
export const ipv4Block = z.string().refine((value) => value.endsWith('/32') && isDottedQuad(value.slice(0, -3)), {
  message: 'must be one IPv4 address as a /32 block such as "192.0.2.10/32" (four numbers 0-255)',
});

/** An OVH service name (a dedicated server's host name): it becomes a segment of an API path. */
export const ovhServiceName = z
  .string()
  .max(255)
  .regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}))*$/, {
    message: 'must be an OVH service name such as ns3000000.ip-198-51-100.eu (letters, digits, "-", labels joined by ".")',
  });

const LOOPBACK_HOSTS = new Set(['localhost', '[::1]']);

function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.has(host) || (host.startsWith('127.') && isDottedQuad(host));
}

/** The OVH API base URL: https, or plain http to this machine only (the lab's mock). */
export const ovhBaseUrl = z.string().refine(
  (value) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return false;
    }
    if (url.username || url.password) return false;
    return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname));
  },
  { message: 'must be an https:// URL (http:// only to 127.x.x.x, [::1] or localhost: credentials never travel in clear)' },
);

/** A Unix group for the status socket: a name, or a numeric gid for groups only a directory service knows. */
export const groupName = z.string().regex(/^(?:[a-z_][a-z0-9_-]{0,31}|\d{1,10})$/, {
  message: 'must be a group name (lower-case letters, digits, "_", "-"; at most 32 characters) or a numeric gid',
});

/** Directories a state_dir must never be: shared with other software or other users. */
const SHARED_DIRECTORIES = new Set(['/tmp', '/var/tmp', '/etc', '/usr', '/usr/local', '/usr/local/etc', '/var', '/var/db', '/var/run', '/run', '/root', '/dev', '/home', '/bin', '/sbin', '/lib', '/boot']);

/** The state directory: an absolute, normalized path of a directory of its own. */
export const stateDirectory = z.string().superRefine((value, ctx) => {
  const fail = (message: string) => ctx.addIssue({ code: 'custom', message });
  if (!value.startsWith('/')) return fail('must be an absolute path');
  const trimmed = value.length > 1 ? value.replace(/\/+$/, '') : value;
  if (posix.normalize(trimmed) !== trimmed || trimmed.split('/').includes('..')) {
    return fail(`must be a normalized path (no "..", "." or "//"), such as ${posix.normalize(value)}`);
  }
  if (trimmed === '/' || SHARED_DIRECTORIES.has(trimmed)) {
    return fail(`must be a directory of its own, not the shared ${trimmed} (the service trusts everything in it as root), such as /var/db/carp-failover`);
  }
});

/** A socket's mode, octal text such as "0660", no wider than `widest`. */
export function socketMode(defaultMode: string, widest: number, why: string) {
  return z
    .string()
    .regex(/^0?[0-7]{3}$/, 'must be an octal mode such as "0660"')
    .transform((mode) => parseInt(mode, 8))
    .refine((mode) => (mode & ~widest) === 0, { message: `must grant no more than ${widest.toString(8).padStart(4, '0')} (${why})` })
    .prefault(defaultMode);
}
