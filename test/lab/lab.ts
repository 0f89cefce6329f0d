// The Lab object: owns every namespace, process and temp dir the lab creates, and removes all of
// them in teardown(), which is synchronous so that it also runs from process.on('exit').
import type { ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NetnsLab } from '../support/netns.js';
import { PREFIX } from './plan.js';

/** Prefix of the lab's temp dirs under os.tmpdir(), for leak checks. */
export const LAB_DIR_PREFIX = 'cfl-lab-';

export class Lab {
  readonly netns = new NetnsLab(PREFIX);
  /** The lab's temp dir: configs, scripts, state files, sockets, FRR pathspaces. */
  readonly dir: string;
  private readonly children = new Set<ChildProcess>();
  /** Children killed by teardown() whose exit Node has not collected yet (zombies until then). */
  private readonly dying = new Set<Promise<void>>();
  private readonly cleanups: Array<() => void> = [];
  private tornDown = false;
  private readonly onSignal = (signal: NodeJS.Signals) => {
    this.teardown();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  private readonly onExit = () => this.teardown();

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), LAB_DIR_PREFIX));
    // FRR drops to user frr and must reach its pathspace below this dir.
    chmodSync(this.dir, 0o755);
    process.on('exit', this.onExit);
    process.on('SIGINT', this.onSignal);
    process.on('SIGTERM', this.onSignal);
  }

  /** Keeps a child so teardown() kills it; forgets it when it exits by itself. */
  track<T extends ChildProcess>(child: T): T {
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
    return child;
  }

  /** A synchronous cleanup step run by teardown(), last registered first. */
  onTeardown(fn: () => void): void {
    this.cleanups.push(fn);
  }

  /**
   * Resolves once every child teardown() killed has been reaped (its exit collected), so that no
   * zombie is left when the caller returns; gives up after timeoutMs.
   */
  async reaped(timeoutMs = 5000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([Promise.all(this.dying), timeout]);
    clearTimeout(timer);
    this.dying.clear();
  }

  /** Removes everything; safe to call twice and from an exit handler. */
  teardown(): void {
    if (this.tornDown) return;
    this.tornDown = true;
    for (const fn of this.cleanups.splice(0).reverse()) {
      try {
        fn();
      } catch {
        /* keep tearing down */
      }
    }
    for (const child of this.children) {
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
        this.dying.add(new Promise<void>((resolve) => child.once('exit', () => resolve())));
        try {
          process.kill(child.pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
    }
    this.children.clear();
    // Kills whatever still runs inside (keepalived, zebra, ospfd, ping, the stand-in server), then deletes.
    this.netns.remove();
    rmSync(this.dir, { recursive: true, force: true });
    process.off('exit', this.onExit);
    process.off('SIGINT', this.onSignal);
    process.off('SIGTERM', this.onSignal);
  }
}
