// `carp-failover check-config [-v] [--host]`, like `nginx -t` / `ospfd -n`: every problem with
// file, line and key path, exit 78 on any; -v prints the normalized config; --host also asks the
// host whether it can carry this config (vhids and interfaces exist, vtysh answers, secrets mode).
import { loadConfig } from '../../config/load.js';
import { printConfig } from '../../config/print.js';
import type { Config } from '../../config/schema.js';
import { CarpFailoverError } from '../../errors.js';
import type { HostCheck } from '../../host/host-check.js';
import type { Host } from '../../host/ports.js';
import type { CommandContext, CommandSpec } from '../command-spec.js';
import { EXIT } from '../../exit-codes.js';
import { sanitize } from '../format-text.js';
import { HOST_CHECKERS } from '../host-checkers.js';
import { hostForChecks, runHostChecks, type HostChecker } from '../host-checks.js';
import { configPathOf } from './context.js';

/** The command with its host checkers and Host factory injectable, for tests. */
export function makeCheckConfigCommand(checkers: readonly HostChecker[], hostFor: (config: Config) => Host = hostForChecks): CommandSpec {
  return {
    words: ['check-config'],
    summary: 'validate the configuration file (exit 78 on any problem); -v prints it normalized',
    options: [
      { name: 'verbose', short: 'v', type: 'boolean', summary: 'print the normalized configuration, every default filled in' },
      { name: 'host', type: 'boolean', summary: 'also check this host: vhids, interfaces, vtysh, secrets file mode' },
    ],
    run: (ctx) => checkConfig(ctx, checkers, hostFor),
  };
}

/** Validates the config file (and with --host, the host) without starting anything. */
export const checkConfigCommand: CommandSpec = makeCheckConfigCommand(HOST_CHECKERS);

async function checkConfig(ctx: CommandContext, checkers: readonly HostChecker[], hostFor: (config: Config) => Host): Promise<number> {
  const path = configPathOf(ctx);
  let config: Config;
  try {
    config = await loadConfig(path);
  } catch (error) {
    if (error instanceof CarpFailoverError && (error.code === 'CONFIG_INVALID' || error.code === 'CONFIG_UNREADABLE')) {
      // One problem per line; each line cleaned, since keys and values come from the file.
      ctx.io.stderr(`${error.message.split('\n').map(sanitize).join('\n')}\n`);
      ctx.io.stderr(`configuration NOT ok: ${path}\n`);
      return EXIT.CONFIG;
    }
    throw error;
  }
  if (ctx.options.verbose === true) ctx.io.stdout(printConfig(config, path));
  if (ctx.options.host !== true) {
    ctx.io.stdout(`configuration ok: ${path}\n`);
    return EXIT.OK;
  }
  if (checkers.length === 0) ctx.io.stderr('warning: no host checks are built into this version\n');
  const findings = await runHostChecks(config, hostFor(config), checkers);
  for (const finding of findings) (finding.ok ? ctx.io.stdout : ctx.io.stderr)(`${findingLine(finding)}\n`);
  if (findings.some((finding) => !finding.ok && finding.level === 'error')) {
    ctx.io.stderr(`configuration ok, host NOT ok: ${path}\n`);
    return EXIT.CONFIG;
  }
  ctx.io.stdout(`configuration ok, host ok: ${path}\n`);
  return EXIT.OK;
}

function findingLine(finding: HostCheck): string {
  const label = finding.ok ? 'ok' : finding.level === 'error' ? 'ERROR' : 'warning';
  return sanitize(`${label}: ${finding.name}: ${finding.message}`);
}
