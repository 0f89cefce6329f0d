// Reads one interface with ifconfig through the Host: libxo JSON when this host's ifconfig
// supports it (asked once, then remembered), text otherwise. Shared by the CARP observer, the
// GRE resource and `check-config --host`.
import { CarpFailoverError } from '../../errors.js';
import { CommandError } from '../command-error.js';
import type { Host } from '../ports.js';
import { validateInterfaceName } from '../validate.js';
import type { ParsedInterface } from './ifconfig-model.js';
import { parseIfconfigJson } from './ifconfig-json.js';
import { parseIfconfigText } from './ifconfig-text.js';

export type IfconfigFormat = 'json' | 'text';

export interface IfconfigReaderOptions {
  /** 'auto' probes `ifconfig --libxo json lo0` once; tests and the lab may force one. */
  format?: IfconfigFormat | 'auto';
  timeoutMs?: number;
}

/** Reads interfaces; null means "ifconfig says it does not exist". */
/** What a resource that reads and changes interfaces through ifconfig is built with (GRE, the vMAC carrier). */
export interface IfconfigPorts {
  host: Host;
  /** Absolute path of ifconfig (config.commands.ifconfig). */
  ifconfig: string;
  /** Shared with the CARP observer so the libxo probe runs once; built here when absent. */
  reader?: IfconfigReader;
  timeoutMs?: number;
}

export class IfconfigReader {
  private formatPromise: Promise<IfconfigFormat> | null = null;

  constructor(
    private readonly host: Host,
    private readonly ifconfig: string,
    private readonly options: IfconfigReaderOptions = {},
  ) {
    if (options.format === 'json' || options.format === 'text') this.formatPromise = Promise.resolve(options.format);
  }

  /** The output format in use, probing once on first call. */
  format(signal?: AbortSignal): Promise<IfconfigFormat> {
    this.formatPromise ??= this.probe(signal);
    return this.formatPromise;
  }

  /** The interface as ifconfig shows it, or null when it does not exist. Validates the name first. */
  async read(name: string, signal?: AbortSignal): Promise<ParsedInterface | null> {
    validateInterfaceName(name);
    const format = await this.format(signal);
    const argv = format === 'json' ? [this.ifconfig, '--libxo', 'json', name] : [this.ifconfig, name];
    let stdout: string;
    try {
      stdout = (await this.host.run(argv, { signal, timeoutMs: this.options.timeoutMs })).stdout;
    } catch (error) {
      // ifconfig.c: errx(1, "interface %s does not exist", name)
      if (error instanceof CommandError && error.failure.exitCode === 1 && /does not exist/.test(error.failure.stderr)) return null;
      throw error;
    }
    const interfaces = format === 'json' ? jsonInterfaces(stdout) : parseIfconfigText(stdout);
    const found = interfaces?.find((iface) => iface.name === name);
    if (!found) {
      throw new CarpFailoverError('PARSE_FAILED', `${argv.join(' ')}: output does not describe ${name}`, {
        details: { argv, format, stdoutHead: stdout.slice(0, 200) },
      });
    }
    return found;
  }

  private async probe(signal?: AbortSignal): Promise<IfconfigFormat> {
    try {
      const { stdout } = await this.host.run([this.ifconfig, '--libxo', 'json', 'lo0'], { signal, timeoutMs: this.options.timeoutMs });
      const parsed = parseIfconfigJson(stdout);
      return parsed.ok && parsed.interfaces.some((iface) => iface.name === 'lo0') ? 'json' : 'text';
    } catch {
      // Stock ifconfig rejects --libxo (usage, exit 1): text is the format every release prints.
      return 'text';
    }
  }
}

function jsonInterfaces(stdout: string): ParsedInterface[] | null {
  const parsed = parseIfconfigJson(stdout);
  return parsed.ok ? parsed.interfaces : null;
}
