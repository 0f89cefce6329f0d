// The real Host: execa with an argument array, never a shell, a timeout on every call, and only
// binaries on the allow-list built from the config (ifconfig, sysctl, vtysh).
import { execa } from 'execa';
import { CarpFailoverError } from '../errors.js';
import { CommandError } from './command-error.js';
import type { Host, RunOptions, RunResult } from './ports.js';

export interface HostOptions {
  /** Absolute paths of the only binaries this host may run. */
  allowed: readonly string[];
  /** Timeout when a call does not give one. */
  defaultTimeoutMs: number;
  /** Environment for the commands; defaults to a minimal PATH and the C locale. */
  env?: Record<string, string>;
}

/** Builds the production Host. */
export function createHost(options: HostOptions): Host {
  const allowed = new Set(options.allowed);
  const env = options.env ?? { PATH: '/sbin:/bin:/usr/sbin:/usr/bin:/usr/local/sbin:/usr/local/bin', LC_ALL: 'C' };
  return {
    async run(argv: readonly string[], runOptions: RunOptions = {}): Promise<RunResult> {
      const [file, ...args] = argv;
      if (file === undefined || !allowed.has(file)) {
        throw new CarpFailoverError('COMMAND_NOT_ALLOWED', `refusing to run ${JSON.stringify(file ?? '')}: not on the allow-list`, {
          details: { argv: [...argv], allowed: [...allowed] },
        });
      }
      const timeoutMs = runOptions.timeoutMs ?? options.defaultTimeoutMs;
      const started = performance.now();
      const result = await execa(file, args, {
        shell: false,
        reject: false,
        timeout: timeoutMs,
        cancelSignal: runOptions.signal,
        input: runOptions.input,
        stdin: runOptions.input === undefined ? 'ignore' : 'pipe',
        env,
        extendEnv: false,
        stripFinalNewline: false,
        maxBuffer: 16 * 1024 * 1024,
        encoding: 'utf8',
      });
      const durationMs = Math.round(performance.now() - started);
      const stdout = String(result.stdout ?? '');
      const stderr = String(result.stderr ?? '');
      if (result.failed || result.exitCode !== 0) {
        throw new CommandError({
          argv,
          exitCode: result.exitCode ?? null,
          signal: result.signal ?? null,
          stdout,
          stderr: stderr || (result.exitCode === undefined ? (result.shortMessage ?? '') : ''),
          durationMs,
          timedOut: result.timedOut,
          cause: result.cause,
        });
      }
      return { argv, stdout, stderr, exitCode: 0, durationMs };
    },
  };
}

/** The Host of a config: allowed exactly its ifconfig, sysctl, vtysh and ping (the daemon and check-config alike). */
export function hostForConfig(config: { commands: { ifconfig: string; sysctl: string; ping: string; timeout_ms: number }; ospf: { vtysh: string } }): Host {
  return createHost({ allowed: [config.commands.ifconfig, config.commands.sysctl, config.ospf.vtysh, config.commands.ping], defaultTimeoutMs: config.commands.timeout_ms });
}
