// Network namespaces for tests: created by the test, always removed by it. Every name carries
// the owner's prefix so parallel suites never collide and a cleanup can sweep leftovers.
import { execFileSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

/** Runs `ip …` in the root namespace; throws with stderr on failure. */
export function ip(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Runs a command inside a namespace; throws with stderr on failure. */
export function nsExec(ns: string, argv: string[], input?: string): string {
  return execFileSync('ip', ['netns', 'exec', ns, ...argv], {
    encoding: 'utf8',
    input,
    stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
}

/** Starts a long-running command inside a namespace (no shell). */
export function nsSpawn(ns: string, argv: string[], options: SpawnOptions = {}): ChildProcess {
  return spawn('ip', ['netns', 'exec', ns, ...argv], { stdio: 'ignore', ...options });
}

/** A set of namespaces owned by one test suite; remove() deletes all of them and their links. */
export class NetnsLab {
  readonly namespaces: string[] = [];
  readonly rootLinks: string[] = [];

  /** prefix: short, unique per suite (e.g. "cfo" for the OSPF tests); names stay ≤ 15 chars. */
  constructor(readonly prefix: string) {
    if (!/^[a-z][a-z0-9]{1,5}$/.test(prefix)) throw new Error(`bad netns prefix ${prefix}`);
  }

  /** Creates namespace `${prefix}-${name}` with loopback up; returns its full name. */
  addNamespace(name: string): string {
    const full = `${this.prefix}-${name}`;
    sweepNamespace(full);
    ip('netns', 'add', full);
    this.namespaces.push(full);
    nsExec(full, ['ip', 'link', 'set', 'lo', 'up']);
    return full;
  }

  /** A veth pair with one end in each namespace, both up. */
  addVeth(nsA: string, ifA: string, nsB: string, ifB: string): void {
    ip('link', 'add', ifA, 'netns', nsA, 'type', 'veth', 'peer', 'name', ifB, 'netns', nsB);
    nsExec(nsA, ['ip', 'link', 'set', ifA, 'up']);
    nsExec(nsB, ['ip', 'link', 'set', ifB, 'up']);
  }

  /** A Linux bridge inside a namespace. */
  addBridge(ns: string, name: string): void {
    nsExec(ns, ['ip', 'link', 'add', name, 'type', 'bridge']);
    nsExec(ns, ['ip', 'link', 'set', name, 'up']);
  }

  addAddress(ns: string, ifname: string, cidr: string): void {
    nsExec(ns, ['ip', 'addr', 'add', cidr, 'dev', ifname]);
  }

  /** Deletes every namespace (their veths go with them). Safe to call twice. */
  remove(): void {
    for (const ns of this.namespaces.splice(0)) sweepNamespace(ns);
  }
}

/** Kills what still runs in a namespace, then deletes it; ignores a namespace that is gone. */
export function sweepNamespace(ns: string): void {
  try {
    const pids = execFileSync('ip', ['netns', 'pids', ns], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .split('\n')
      .filter(Boolean)
      .map(Number);
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  } catch {
    return; // no such namespace
  }
  try {
    execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
  } catch {
    /* raced with another cleanup */
  }
}

/** Names of existing namespaces that start with prefix + "-" (for leak checks). */
export function listNamespaces(prefix: string): string[] {
  const out = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter((name) => name.startsWith(`${prefix}-`));
}
