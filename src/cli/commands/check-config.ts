// `carp-failover check-config [-v] [--host]`, like `nginx -t` / `ospfd -n`: every problem with
// file, line and key path, exit 78 on any; -v prints the normalized config; --host also asks the
// host whether it can carry this config (vhids and interfaces exist, vtysh answers, secrets mode).
import { loadConfig } from '../../config/load.js';
import { printConfig } from '../../config/print.js';
import { CarpFailoverError } from '../../errors.js';
import type { HostCheck } from '../../host/host-check.js';
import type { CommandSpec } from '../command-spec.js';
import { EXIT } from '../exit-codes.js';
import { HOST_CHECKERS, hostForChecks, runHostChecks } from '../host-checks.js';
import { sanitize } from '../format-text.js';
import { configPathOf } from './context.js';

/** Validates the config file (and with --host, the host) without starting anything. */
export const checkConfigCommand: CommandSpec = {
  words: ['check-config'],
  summary: 'validate the configuration file (exit 78 on any problem); -v prints it normalized',
  options: [
    { name: 'verbose', short: 'v', type: 'boolean', summary: 'print the normalized configuration, every default filled in' },
    { name: 'host', type: 'boolean', summary: 'also check this host: vhids, interfaces, vtysh, secrets file mode' },
  ],
  async run(ctx) {
    const path = configPathOf(ctx);
    let config;
    try {
      config = await loadConfig(path);
    } catch (error) {
      if (error instanceof CarpFailoverError && (error.code === 'CONFIG_INVALID' || error.code === 'CONFIG_UNREADABLE')) {
        ctx.io.stderr(`${error.message}\n`);
        ctx.io.stderr(`configuration NOT ok: ${path}\n`);
        return EXIT.CONFIG;
      }
      throw error;
    }
    if (ctx.options.verbose === true) ctx.io.stdout(printConfig(config, path));
    let status: number = EXIT.OK;
    if (ctx.options.host === true) {
      const findings = await runHostChecks(config, hostForChecks(config), HOST_CHECKERS);
      if (HOST_CHECKERS.length === 0) ctx.io.stderr('warning: no host checks are built into this version\n');
      for (const finding of findings) (finding.ok ? ctx.io.stdout : ctx.io.stderr)(`${findingLine(finding)}\n`);
      if (findings.some((finding) => !finding.ok && finding.level === 'error')) status = EXIT.CONFIG;
    }
    if (status === EXIT.OK) ctx.io.stdout(`configuration ok: ${path}\n`);
    else ctx.io.stderr(`configuration ok, host NOT ok: ${path}\n`);
    return status;
  },
};

function findingLine(finding: HostCheck): string {
  const label = finding.ok ? 'ok' : finding.level === 'error' ? 'ERROR' : 'warning';
  return sanitize(`${label}: ${finding.name}: ${finding.message}`);
}
