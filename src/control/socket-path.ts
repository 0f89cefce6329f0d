// Putting a listening Unix socket at its path: refuse when another process answers there,
// replace a stale socket file left by a crash, and publish the socket with its final mode and
// group already set, so that no client can ever connect to it with looser permissions.
//
// Why a private directory and link(2), not a umask: umask is per process, and libuv's thread pool
// may be creating the journal or a flag file at that very moment; narrowing it around bind(2)
// would race with those. Instead we bind inside a fresh mkdtemp directory (mode 0700: nobody but
// us can reach the socket there), chmod and chown it, then link(2) it to the real path. link
// fails with EEXIST when the path exists, so of two instances starting together exactly one wins
// (rename would silently steal the path); the temp name is then removed.
import { createConnection, type Server } from 'node:net';
import { chmod, chown, link, lstat, mkdir, mkdtemp, rename, rm, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { CarpFailoverError } from '../errors.js';

const PROBE_TIMEOUT_MS = 1000;

/** Whether a process answers on `path`: 'live', 'stale' (socket file, nobody listening), 'absent'. */
export async function probeSocket(path: string): Promise<'live' | 'stale' | 'absent'> {
  let info;
  try {
    info = await lstat(path);
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return 'absent';
    throw error;
  }
  if (!info.isSocket()) {
    throw new CarpFailoverError('SOCKET_IN_USE', `${path} exists and is not a socket; not removing it`, { details: { path } });
  }
  return new Promise((resolve, reject) => {
    const socket = createConnection({ path });
    const timer = setTimeout(() => finish('live'), PROBE_TIMEOUT_MS); // a hung owner still owns it
    function finish(result: 'live' | 'stale' | 'absent' | Error): void {
      clearTimeout(timer);
      socket.destroy();
      if (result instanceof Error) reject(result);
      else resolve(result);
    }
    socket.once('connect', () => finish('live'));
    socket.once('error', (error) => {
      const code = errnoOf(error);
      if (code === 'ECONNREFUSED') finish('stale');
      else if (code === 'ENOENT') finish('absent');
      else finish(error);
    });
  });
}

/** Creates the parent directory (0755) when missing; an existing one is left as it is. */
export async function ensureSocketDir(dir: string): Promise<void> {
  const first = await mkdir(dir, { recursive: true, mode: 0o755 });
  if (first !== undefined) await chmod(dir, 0o755); // mkdir's mode went through the umask
}

/**
 * Makes `server` listen on `path` with `mode` and `gid` (null: leave the group). Returns the
 * socket file's inode, so that close removes the path only while it is still ours.
 */
export async function listenAt(server: Server, path: string, mode: number, gid: number | null): Promise<number> {
  const dir = dirname(path);
  await ensureSocketDir(dir);
  const probedIno = await lstat(path).then((info) => info.ino, () => null);
  const state = await probeSocket(path);
  if (state === 'live') throw inUse(path);

  const privateDir = await mkdtemp(join(dir, `.${basename(path).slice(0, 8)}-`));
  try {
    if (state === 'stale') await setStaleAside(path, probedIno, join(privateDir, 'stale'));
    const temp = join(privateDir, 's');
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(temp, () => {
        server.off('error', reject);
        resolve();
      });
    });
    await chmod(temp, mode);
    if (gid !== null) await chown(temp, -1, gid);
    try {
      await link(temp, path);
    } catch (error) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      throw errnoOf(error) === 'EEXIST' ? inUse(path) : error;
    }
    return (await stat(path)).ino;
  } finally {
    await rm(privateDir, { recursive: true, force: true });
  }
}

/**
 * Moves a stale socket file out of the way. rename(2) is atomic, so of two instances that both
 * found it stale, the second moves the first one's live socket instead: it sees a different
 * inode, links that socket back and gives up, rather than unlinking a live instance's path.
 */
async function setStaleAside(path: string, staleIno: number | null, aside: string): Promise<void> {
  try {
    await rename(path, aside);
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return;
    throw error;
  }
  if ((await lstat(aside)).ino === staleIno) return;
  await link(aside, path).catch(() => undefined);
  throw inUse(path);
}

/** Removes the socket file if it is still the one we linked (a successor may own the path now). */
export async function unlinkIfOurs(path: string, ino: number): Promise<void> {
  try {
    if ((await lstat(path)).ino === ino) await unlink(path);
  } catch (error) {
    if (errnoOf(error) !== 'ENOENT') throw error;
  }
}

function inUse(path: string): CarpFailoverError {
  return new CarpFailoverError('SOCKET_IN_USE', `another process answers on ${path}: is carp-failover already running?`, {
    details: { path },
  });
}

function errnoOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | null)?.code;
}
