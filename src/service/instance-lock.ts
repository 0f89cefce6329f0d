// One daemon per state directory, decided before this process writes anything: the kernel's
// demotion counter, the demotion record, the journal and the sockets all belong to the winner.
// The lock is a Unix socket in state_dir, placed by the control sockets' code (link(2): of two
// instances starting together exactly one wins); a live owner answers a connect, so a lock left by
// kill -9 is told from a running daemon without guessing from a pid.
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { listenAt, unlinkIfOurs } from '../control/socket-path.js';

/** The lock's file name inside state_dir. */
export const LOCK_FILE = 'daemon.lock';

/** A held lock; release() removes it (only while the file is still ours). */
export interface InstanceLock {
  readonly path: string;
  release(): Promise<void>;
}

/** Takes the lock or rejects with SOCKET_IN_USE when another instance holds it; writes nothing else. */
export async function acquireInstanceLock(stateDir: string): Promise<InstanceLock> {
  await mkdir(stateDir, { recursive: true, mode: 0o750 });
  const path = join(stateDir, LOCK_FILE);
  // A connection is the answer "this instance is alive"; nothing is read or written on it.
  const server = createServer((socket) => socket.destroy());
  const ino = await listenAt(server, path, 0o600, null);
  let released: Promise<void> | null = null;
  return {
    path,
    release() {
      released ??= (async () => {
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await unlinkIfOurs(path, ino);
      })();
      return released;
    },
  };
}
