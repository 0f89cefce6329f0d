// The one way state files (demotion record, operator flags) are read and written: never through
// a symbolic link, and replaced atomically and durably (temp file in the same directory with
// O_EXCL, fsync, rename, fsync of the directory), so a kill -9 or a power cut leaves the old
// contents or the new, never half, and a link planted in the state directory is refused, not
// followed (as OpenSSH refuses what StrictModes does not trust).
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { open, rename, rm, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

const { O_CREAT, O_EXCL, O_NOFOLLOW, O_RDONLY, O_WRONLY } = constants;

/** What was read: the text and the owner of the file it came from. */
export interface ReadResult {
  text: string;
  uid: number;
}

/** Where a durable write can be interrupted; tests throw from the hook to simulate a crash. */
export type DurableWritePoint = 'temp-written';

export interface WriteOptions {
  mode?: number;
  /** Called after the temp file is durable and before the rename. */
  crash?: (point: DurableWritePoint) => void;
}

/**
 * Reads a regular file without following a symbolic link (ELOOP then, with a clear message);
 * null when absent. At most maxBytes are read: a state file is small by design.
 */
export async function readNoFollow(path: string, maxBytes = 64 * 1024): Promise<ReadResult | null> {
  let file;
  try {
    file = await open(path, O_RDONLY | O_NOFOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    if (code === 'ELOOP' || code === 'EMLINK') throw refusedLink(path, error);
    throw error;
  }
  try {
    const info = await file.stat();
    if (!info.isFile()) throw Object.assign(new Error(`${path} is not a regular file`), { code: 'EFTYPE' });
    const buffer = Buffer.alloc(Math.min(maxBytes, Math.max(info.size, 1)));
    const { bytesRead } = await file.read(buffer, 0, buffer.length, 0);
    return { text: buffer.subarray(0, bytesRead).toString('utf8'), uid: info.uid };
  } finally {
    await file.close();
  }
}

/** Replaces `path` with `text` atomically and durably; never writes through a link. */
export async function writeDurably(path: string, text: string, options: WriteOptions = {}): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  // O_EXCL|O_CREAT fails on any existing name, a planted link included (open(2): "If O_CREAT and
  // O_EXCL are set, … symbolic links are not followed").
  const file = await open(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, options.mode ?? 0o600);
  try {
    try {
      await file.writeFile(text, 'utf8');
      await file.sync();
    } finally {
      await file.close();
    }
    options.crash?.('temp-written');
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await syncDirectory(dir);
}

/** Removes `path` (the link itself if it is one, a directory with its contents) durably; absent is fine. */
export async function removeDurably(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    if (code !== 'EISDIR' && code !== 'EPERM') throw error;
    await rm(path, { recursive: true, force: true });
  }
  await syncDirectory(dirname(path));
}

/** Moves a file aside under a new name (same directory), durably; answers the new path. */
export async function moveAside(path: string, suffix: string): Promise<string> {
  const target = `${path}.${suffix}`;
  await rename(path, target);
  await syncDirectory(dirname(path));
  return target;
}

/** fsync of the directory makes a rename or unlink durable across a power cut. */
export async function syncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, O_RDONLY);
    await handle.sync();
  } catch {
    // Some filesystems refuse fsync on a directory; the rename itself is still atomic.
  } finally {
    await handle?.close();
  }
}

function refusedLink(path: string, cause: unknown): Error {
  return Object.assign(new Error(`${path} is a symbolic link: refused (state files are never opened through a link)`), { code: 'ELOOP', cause });
}
