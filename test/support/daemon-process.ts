// Runs the real daemon (the built dist/cli/bin.js, or src through tsx when dist is absent) as a
// child process, and talks to its sockets the way the CLI does.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { waitFor } from './wait.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));

/** argv that runs the carp-failover CLI from this checkout. */
export function cliArgv(...args: string[]): string[] {
  const built = `${repo}dist/cli/bin.js`;
  if (existsSync(built)) return [process.execPath, built, ...args];
  return [process.execPath, '--import', 'tsx', `${repo}src/cli/bin.ts`, ...args];
}

export interface DaemonProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** Starts `carp-failover run -c config`; output (stdout+stderr) is collected. */
export function startDaemon(configPath: string, env: NodeJS.ProcessEnv = {}): DaemonProcess {
  const [file, ...args] = cliArgv('run', '-c', configPath);
  const child = spawn(file!, args, { cwd: repo, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

/** Sends one request line on a Unix socket and resolves with the parsed reply line. */
export function request(path: string, body: Record<string, unknown>, timeoutMs = 5000): Promise<any> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    let buffer = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no reply on ${path} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('connect', () => socket.write(`${JSON.stringify({ v: 1, id: 1, ...body })}\n`));
    socket.on('data', (chunk) => {
      buffer += chunk.toString();
      const end = buffer.indexOf('\n');
      if (end >= 0) {
        clearTimeout(timer);
        socket.end();
        resolve(JSON.parse(buffer.slice(0, end)));
      }
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** The tests' one poll helper, re-exported where the daemon tests already import it. */
export { waitFor };
