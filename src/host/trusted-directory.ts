// Directory trust, as OpenSSH's StrictModes (secure_filename() in auth.c): the root daemon keeps
// its demotion record, flags, journal and sockets in directories that no other user may change.
// Every directory from / down to the one we use must be owned by a trusted uid (root, or the
// uid we run as) and not writable by group or others. One exception for parents only: a root-
// owned sticky directory (/tmp, mode 1777), where nobody can rename or remove another's entry
// (sticky(7)). The lexical path and its real path (after symbolic links) are both checked.
import { chmod, lstat, mkdir, realpath, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { CarpFailoverError } from '../errors.js';

const S_ISVTX = 0o1000;
const GROUP_OR_OTHER_WRITE = 0o022;

/** Who may own what the daemon trusts: root and the uid it runs as. */
export function defaultTrustedUids(): readonly number[] {
  const self = process.geteuid?.() ?? 0;
  return self === 0 ? [0] : [0, self];
}

/**
 * Resolves when `dir` and every parent are trusted; otherwise throws PATH_UNSAFE naming the
 * directory at fault and why. `what` names the directory's role ("state directory").
 */
export async function checkTrustedDirectory(dir: string, what: string, trustedUids: readonly number[] = defaultTrustedUids()): Promise<void> {
  const target = resolve(dir);
  const real = await realpath(target);
  for (const chain of new Set([target, real])) {
    for (const path of ancestry(chain)) {
      const info = await lstat(path);
      const problem = untrusted(path, info, path === chain, trustedUids);
      if (problem) throw unsafe(what, dir, path, problem, path === real && real !== target);
    }
  }
  if (!(await stat(real)).isDirectory()) throw unsafe(what, dir, resolve(dir), 'is not a directory', false);
}

/**
 * Creates each directory when missing (with exactly its mode: mkdir's goes through the umask),
 * then checks it and its parents; the daemon runs this before reading or writing any file there.
 */
export async function prepareTrustedDirectories(dirs: readonly { dir: string; what: string; mode: number }[], trustedUids?: readonly number[]): Promise<void> {
  for (const { dir, what, mode } of dirs) {
    if ((await mkdir(dir, { recursive: true, mode })) !== undefined) await chmod(dir, mode);
    await checkTrustedDirectory(dir, what, trustedUids);
  }
}

/** Why a file may not be trusted (null when it may): owned by a stranger, or writable by one. */
export function untrustedOwner(uid: number, trustedUids: readonly number[] = defaultTrustedUids()): string | null {
  return trustedUids.includes(uid) ? null : `is owned by uid ${uid}, not ${trustedUids.length === 1 ? 'root' : `uid ${trustedUids.join(' or ')}`}`;
}

function untrusted(path: string, info: { uid: number; mode: number; isSymbolicLink(): boolean }, last: boolean, trustedUids: readonly number[]): string | null {
  const owner = untrustedOwner(info.uid, trustedUids);
  if (owner) return owner;
  if (info.isSymbolicLink()) return null; // a link's own mode means nothing; its target chain is checked
  if ((info.mode & GROUP_OR_OTHER_WRITE) === 0) return null;
  if (!last && (info.mode & S_ISVTX) !== 0 && info.uid === 0) return null;
  const who = (info.mode & GROUP_OR_OTHER_WRITE) === GROUP_OR_OTHER_WRITE ? 'its group and others' : info.mode & 0o020 ? 'its group' : 'others';
  return `is writable by ${who} (mode ${(info.mode & 0o7777).toString(8).padStart(4, '0')})`;
}

/** "/a/b/c" → ["/", "/a", "/a/b", "/a/b/c"]. */
function ancestry(path: string): string[] {
  const chain: string[] = [];
  for (let p = path; ; p = dirname(p)) {
    chain.unshift(p);
    if (dirname(p) === p) return chain;
  }
}

function unsafe(what: string, dir: string, at: string, why: string, leadsThere: boolean): CarpFailoverError {
  const where = at === resolve(dir) ? `${what} ${dir}` : leadsThere ? `${what} ${dir}: ${at}, where it leads,` : `${what} ${dir}: its parent ${at}`;
  return new CarpFailoverError('PATH_UNSAFE', `${where} ${why}; every directory up to / must be root's and not writable by group or others (only a root-owned sticky parent such as /tmp may be)`, {
    details: { directory: dir, at, why },
  });
}
