// One lab at a time on a machine: the namespace names are fixed (cfl-*), so two test files, or a
// test and a demo, must not build it at once. A directory is the lock; a dead owner's is taken over.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const LOCK = join(tmpdir(), 'cfl-lab.lock');

function ownerAlive(): boolean {
  try {
    process.kill(Number(readFileSync(join(LOCK, 'pid'), 'utf8')), 0);
    return true;
  } catch {
    return false;
  }
}

/** Takes the machine-wide lab lock (waits up to timeoutMs); returns its synchronous release. */
export async function acquireLabLock(timeoutMs = 300_000): Promise<() => void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(LOCK);
      writeFileSync(join(LOCK, 'pid'), String(process.pid));
      break;
    } catch {
      if (!ownerAlive()) {
        rmSync(LOCK, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`lab lock ${LOCK} still held after ${timeoutMs} ms`);
      await sleep(200);
    }
  }
  return () => rmSync(LOCK, { recursive: true, force: true });
}
