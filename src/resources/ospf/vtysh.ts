// vtysh through the Host port. vtysh does not always say "failed" with its exit status: Quagga
// and older FRR print "% Unknown command" on stdout and exit 0, and FRR prints "ospfd is not
// running" on stderr. So every answer is scanned for vtysh's error lines, and any of them (or a
// non-zero exit, or a timeout) becomes a VtyshError naming the command and the line.
import { CarpFailoverError, type ErrorOptions } from '../../errors.js';
import { CommandError } from '../../host/command-error.js';
import type { Host } from '../../host/ports.js';
import type { Config } from '../../config/schema.js';

export type OspfConfig = Config['ospf'];
export type VtyshFlavour = 'frr' | 'quagga';

/** What a VtyshError carries beyond code and message. */
export interface VtyshFailure {
  argv: readonly string[];
  /** stdout and stderr as vtysh printed them (cut to 4 KiB). */
  output: string;
  /** The line that gave the failure away, or null (exit status, timeout). */
  line: string | null;
  timedOut?: boolean;
}

/** vtysh or ospfd refused or did not answer. OSPF_UNAVAILABLE: ospfd is down or unreachable. */
export class VtyshError extends CarpFailoverError {
  readonly argv: readonly string[];
  readonly output: string;
  readonly line: string | null;

  constructor(code: 'VTYSH_FAILED' | 'OSPF_UNAVAILABLE', message: string, failure: VtyshFailure, options: Pick<ErrorOptions, 'cause'> = {}) {
    const output = failure.output.slice(0, 4096);
    super(code, message, {
      cause: options.cause,
      transient: code === 'OSPF_UNAVAILABLE' || failure.timedOut === true,
      details: { argv: [...failure.argv], output, line: failure.line, timedOut: failure.timedOut ?? false },
    });
    this.argv = failure.argv;
    this.output = output;
    this.line = failure.line;
  }
}

// Lines meaning "ospfd (or every daemon) is not there": FRR vtysh/vtysh.c ("%s is not running",
// "Exiting: failed to connect to any daemons."), Quagga vtysh/vtysh_main.c (the same Exiting
// line) and ospf_vty.c ("OSPF Routing Process not enabled").
const UNAVAILABLE_LINES: readonly RegExp[] = [
  /\bis not running\b/,
  /^Exiting: failed to connect to any daemons/,
  /OSPF Routing Process not enabled/,
  /^% OSPF instance not found/,
];

// Any other line vtysh starts with "%" is a refusal: "% Unknown command", "% Invalid input",
// "% Can't find interface", "% Command incomplete", "% Ambiguous command".
const FAILED_LINE = /^%/;

/** The first error line in vtysh's output with the code it maps to, or null when clean. */
export function findVtyshError(output: string): { code: 'VTYSH_FAILED' | 'OSPF_UNAVAILABLE'; line: string } | null {
  const lines = output.split('\n').map((l) => l.trim()).filter(Boolean);
  for (const line of lines) if (UNAVAILABLE_LINES.some((re) => re.test(line))) return { code: 'OSPF_UNAVAILABLE', line };
  for (const line of lines) if (FAILED_LINE.test(line)) return { code: 'VTYSH_FAILED', line };
  return null;
}

// A command reaches vtysh as one argv element after -c; a newline or control character in it
// would let one -c run several commands, so only printable ASCII passes.
const COMMAND_TEXT = /^[\x20-\x7e]{1,256}$/;

/** The vtysh client: argv building, error detection, timeout and flavour detection. */
export class Vtysh {
  private flavourPromise: Promise<VtyshFlavour> | null = null;

  constructor(
    private readonly host: Host,
    private readonly config: Pick<OspfConfig, 'vtysh' | 'vty_socket' | 'timeout_ms' | 'flavour'>,
  ) {}

  /** The full argv for a sequence of commands (one -c each, in order). */
  argv(commands: readonly string[]): string[] {
    const argv = [this.config.vtysh];
    if (this.config.vty_socket !== null) argv.push('--vty_socket', this.config.vty_socket);
    for (const command of commands) {
      if (!COMMAND_TEXT.test(command)) {
        throw new CarpFailoverError('INVALID_NAME', `refusing vtysh command ${JSON.stringify(command)}: printable ASCII only`, {
          details: { command },
        });
      }
      argv.push('-c', command);
    }
    return argv;
  }

  /** Runs the commands; resolves with stdout, or rejects with a VtyshError. */
  async run(commands: readonly string[], signal?: AbortSignal): Promise<string> {
    const argv = this.argv(commands);
    let stdout: string;
    let stderr: string;
    try {
      ({ stdout, stderr } = await this.host.run(argv, { timeoutMs: this.config.timeout_ms, signal }));
    } catch (error) {
      throw fromCommandError(error, commands, argv, this.config.timeout_ms);
    }
    const output = joinOutput(stdout, stderr);
    const found = findVtyshError(output);
    if (found) throw new VtyshError(found.code, `${describe(commands)}: ${found.line}`, { argv, output, line: found.line });
    return stdout;
  }

  /** Runs one show command whose answer must not be empty (Quagga's vtysh prints nothing for a daemon it could not reach). */
  async show(command: string, signal?: AbortSignal): Promise<string> {
    const stdout = await this.run([command], signal);
    if (stdout.trim() === '') {
      throw new VtyshError('OSPF_UNAVAILABLE', `${command}: no answer from ospfd (is it running and connected to vtysh?)`, {
        argv: this.argv([command]),
        output: '',
        line: null,
      });
    }
    return stdout;
  }

  /** FRR or Quagga: from the config, or asked once with `show version` and remembered. */
  flavour(signal?: AbortSignal): Promise<VtyshFlavour> {
    if (this.config.flavour !== 'auto') return Promise.resolve(this.config.flavour);
    this.flavourPromise ??= this.detectFlavour(signal).catch((error: unknown) => {
      this.flavourPromise = null; // a daemon that was down may answer next time
      throw error;
    });
    return this.flavourPromise;
  }

  private async detectFlavour(signal?: AbortSignal): Promise<VtyshFlavour> {
    const version = await this.show('show version', signal);
    const flavour = parseFlavour(version);
    if (flavour === null) {
      const line = version.split('\n').find((l) => l.trim() !== '') ?? '';
      throw new VtyshError('VTYSH_FAILED', `show version: neither FRRouting nor Quagga: ${JSON.stringify(line.trim().slice(0, 120))}; set ospf.flavour`, {
        argv: this.argv(['show version']),
        output: version,
        line,
      });
    }
    return flavour;
  }
}

/** "FRRouting 8.4.4 (host) on Linux…" → frr; "Quagga 1.2.4 (host)." → quagga; else null. */
export function parseFlavour(showVersion: string): VtyshFlavour | null {
  if (/^\s*FRRouting\b/m.test(showVersion)) return 'frr';
  if (/^\s*Quagga\b/m.test(showVersion)) return 'quagga';
  return null;
}

function fromCommandError(error: unknown, commands: readonly string[], argv: readonly string[], timeoutMs: number): unknown {
  if (!(error instanceof CommandError)) return error; // COMMAND_NOT_ALLOWED, AbortError: already clear
  const { failure } = error;
  const output = joinOutput(failure.stdout, failure.stderr);
  if (failure.timedOut) {
    return new VtyshError('OSPF_UNAVAILABLE', `vtysh did not answer within ${timeoutMs} ms (ospfd or zebra hung?)`, { argv, output, line: null, timedOut: true }, { cause: error });
  }
  const found = findVtyshError(output);
  if (found) return new VtyshError(found.code, `${describe(commands)}: ${found.line}`, { argv, output, line: found.line }, { cause: error });
  const why = failure.exitCode === null ? `could not run ${argv[0]}` : `vtysh exited ${failure.exitCode}`;
  const first = output.split('\n').find((l) => l.trim() !== '')?.trim() ?? null;
  return new VtyshError('VTYSH_FAILED', `${why}${first ? `: ${first}` : ''}`, { argv, output, line: first }, { cause: error });
}

function joinOutput(stdout: string, stderr: string): string {
  return [stdout, stderr].filter((s) => s.trim() !== '').join('\n');
}

function describe(commands: readonly string[]): string {
  return `vtysh ${commands.map((c) => `-c '${c}'`).join(' ')}`;
}
