// FRR (zebra + ospfd) for tests, one instance per network namespace, each in its own pathspace:
// `-N name`, `--vty_socket dir`, `-z dir/zserv.api`, `-i dir/<daemon>.pid`, TCP vty off (-P 0).
// vtysh reaches the instance through the Unix sockets in `dir`, so it runs from the root
// namespace: `vtysh --vty_socket dir` (the lab notes of the shared reference, "FRR in a namespace").
//
//   const r1 = await startFrr({ ns: 'cfo-r1', name: 'cfo-r1', dir: join(tmp, 'r1'), config: FRR_CONF });
//   r1.vtysh('show ip ospf neighbor');      // text; throws on a vtysh error
//   r1.vtyshJson('show ip route json');     // parsed JSON
//   await r1.killOspfd(); await r1.startOspfd();
//   await r1.stop();                        // both daemons, and removes dir
//
// `dir` is created here and must sit in a directory the frr user can traverse (e.g. a mkdtemp
// directory chmod 0755): the daemons drop root and open their sockets and pid files there.
import { execFileSync } from 'node:child_process';
import { chownSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from './wait.js';

export const FRR_BIN = '/usr/lib/frr';
export const VTYSH = '/usr/bin/vtysh';

export type FrrDaemon = 'zebra' | 'ospfd';

export interface FrrOptions {
  /** Network namespace the daemons run in (created by the caller). */
  ns: string;
  /** FRR pathspace (-N); unique per instance on the machine. */
  name: string;
  /** Instance directory: config, pid files, vty and zserv sockets, logs. Created; removed by stop(). */
  dir: string;
  /** frr.conf text, read by both daemons (integrated config). */
  config: string;
  /** How long start-up may take before it fails (default 15 s). */
  timeoutMs?: number;
}

export interface FrrInstance {
  readonly ns: string;
  readonly name: string;
  readonly dir: string;
  /** The --vty_socket directory for vtysh (the config key ospf.vty_socket). */
  readonly vtySocket: string;
  /** Runs vtysh with one -c per command; returns stdout, throws with stdout/stderr on failure. */
  vtysh(...commands: string[]): string;
  /** Runs one command and parses its JSON answer. */
  vtyshJson<T = any>(command: string): T;
  /** SIGKILLs ospfd (zebra stays) and waits until it is gone. */
  killOspfd(): Promise<void>;
  /** Starts ospfd again from the config file and waits until it answers. */
  startOspfd(): Promise<void>;
  /** Stops both daemons (TERM, then KILL) and removes dir. Safe to call twice. */
  stop(): Promise<void>;
}

/** The tests' one poll helper, re-exported where the FRR tests already import it. */
export { waitFor };

/** Starts zebra then ospfd in options.ns and resolves once ospfd answers vtysh. */
export async function startFrr(options: FrrOptions): Promise<FrrInstance> {
  const { ns, name, dir } = options;
  const timeoutMs = options.timeoutMs ?? 15_000;
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  writeFileSync(join(dir, 'frr.conf'), options.config, { mode: 0o640 });
  chownToFrr(dir);

  const vtysh = (...commands: string[]): string =>
    execFileSync(VTYSH, ['--vty_socket', dir, ...commands.flatMap((c) => ['-c', c])], {
      encoding: 'utf8',
      timeout: 5000,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  const pidOf = (daemon: FrrDaemon): number | null => {
    try {
      return Number(readFileSync(join(dir, `${daemon}.pid`), 'utf8').trim()) || null;
    } catch {
      return null;
    }
  };
  const start = (daemon: FrrDaemon): void => {
    // -d: the daemon forks and this call returns once it is detached.
    execFileSync('ip', ['netns', 'exec', ns, join(FRR_BIN, daemon), '-d', '-N', name, '-f', join(dir, 'frr.conf'), '-i', join(dir, `${daemon}.pid`), '--vty_socket', dir, '-z', join(dir, 'zserv.api'), '-P', '0', '--log', `file:${join(dir, `${daemon}.log`)}`], {
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: timeoutMs,
    });
  };
  const ospfdAnswers = (): boolean => vtysh('show ip ospf json').trim().startsWith('{');

  let stopped = false;
  const instance: FrrInstance = {
    ns,
    name,
    dir,
    vtySocket: dir,
    vtysh,
    vtyshJson: (command) => JSON.parse(vtysh(command)),
    async killOspfd() {
      const pid = pidOf('ospfd');
      if (pid === null) return;
      signal(pid, 'SIGKILL');
      await waitFor(`ospfd (pid ${pid}) to exit`, () => !alive(pid), 5000);
      rmSync(join(dir, 'ospfd.pid'), { force: true });
    },
    async startOspfd() {
      start('ospfd');
      await waitFor(`ospfd of ${name} to answer`, ospfdAnswers, timeoutMs);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const daemon of ['ospfd', 'zebra'] as const) {
        const pid = pidOf(daemon);
        if (pid === null || !alive(pid)) continue;
        signal(pid, 'SIGTERM');
        try {
          await waitFor(`${daemon} to exit`, () => !alive(pid), 3000, 50);
        } catch {
          signal(pid, 'SIGKILL');
        }
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };

  try {
    start('zebra');
    await waitFor(`zebra of ${name} to answer`, () => vtysh('show version').includes('FRRouting'), timeoutMs);
    start('ospfd');
    await waitFor(`ospfd of ${name} to answer`, ospfdAnswers, timeoutMs);
  } catch (error) {
    const logs = ['zebra', 'ospfd'].map((d) => readLog(join(dir, `${d}.log`))).join('\n');
    await instance.stop();
    throw new Error(`${(error as Error).message}\n${logs}`);
  }
  return instance;
}

function chownToFrr(dir: string): void {
  const uid = Number(execFileSync('id', ['-u', 'frr'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'frr'], { encoding: 'utf8' }).trim());
  chownSync(dir, uid, gid);
  for (const entry of readdirSync(dir)) chownSync(join(dir, entry), uid, gid);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    /* already gone */
  }
}

function readLog(path: string): string {
  try {
    return readFileSync(path, 'utf8').split('\n').slice(-20).join('\n');
  } catch {
    return '';
  }
}
