// Group name → gid for the status socket's group. Node has no getgrnam(3), so this reads the
// group(5) file, which has the same "name:password:gid:members" lines on FreeBSD and Linux.
// Groups that live only in a directory service are not seen: give their number instead.
import { readFile } from 'node:fs/promises';
import { CarpFailoverError } from '../errors.js';

/** The gid for a group name or number; null stays null (keep the creating user's group). */
export async function resolveGroup(group: string | number | null | undefined, groupFile = '/etc/group'): Promise<number | null> {
  if (group === null || group === undefined) return null;
  if (typeof group === 'number') return group;
  if (/^\d+$/.test(group)) return Number(group);
  let text: string;
  try {
    text = await readFile(groupFile, 'utf8');
  } catch (error) {
    throw new CarpFailoverError('CONFIG_INVALID', `cannot read ${groupFile} to look up group ${group}`, { cause: error, details: { group } });
  }
  for (const line of text.split('\n')) {
    const [name, , gid] = line.split(':');
    if (name === group && gid !== undefined && /^\d+$/.test(gid)) return Number(gid);
  }
  throw new CarpFailoverError('CONFIG_INVALID', `group ${group} does not exist (not in ${groupFile})`, { details: { group, groupFile } });
}
