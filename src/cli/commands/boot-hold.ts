// `carp-failover boot-hold`: run by rc.d/carp_failover_early before netif configures CARP, so a
// rebooted router cannot take MASTER in the seconds before the service starts (after NETWORKING).
// It applies the same contributions the service would apply first: the boot hold-down and, when
// the drain flag is set, the maintenance demotion. The service takes them over when it starts
// (FreeBsdDemotion, mode 'boot-hold'). Once the service has run in this boot it does nothing.
import pino from 'pino';
import { loadConfig } from '../../config/load.js';
import { FlagStore } from '../../flags/store.js';
import { FreeBsdDemotion } from '../../host/freebsd/demotion.js';
import type { Host } from '../../host/ports.js';
import type { Config } from '../../config/schema.js';
import type { CommandContext, CommandSpec } from '../command-spec.js';
import { EXIT } from '../../exit-codes.js';
import { hostForChecks } from '../host-checks.js';
import { configPathOf } from './context.js';

/** The command with its Host factory injectable, for tests. */
export function makeBootHoldCommand(hostFor: (config: Config) => Host = hostForChecks): CommandSpec {
  return {
    words: ['boot-hold'],
    summary: 'at boot, before the network: hold this router back from MASTER until the service runs (rc.d/carp_failover_early)',
    options: [],
    run: (ctx) => bootHold(ctx, hostFor),
  };
}

export const bootHoldCommand: CommandSpec = makeBootHoldCommand();

async function bootHold(ctx: CommandContext, hostFor: (config: Config) => Host): Promise<number> {
  const config = await loadConfig(configPathOf(ctx));
  const silent = pino({ level: 'silent' });
  const demotion = new FreeBsdDemotion({ host: hostFor(config), sysctl: config.commands.sysctl, stateDir: config.state_dir, timeoutMs: config.commands.timeout_ms, mode: 'boot-hold', log: silent });
  if (await demotion.restartedInSameBoot()) {
    ctx.io.stdout('boot-hold: the service already ran in this boot; nothing changed (boot-hold is for the start of a boot)\n');
    return EXIT.OK;
  }
  const flags = await FlagStore.open({ stateDir: config.state_dir, log: silent, watch: false });
  const drained = flags.get().drain;
  await demotion.set('boot', config.carp.demotion.boot);
  if (drained) await demotion.set('maintenance', config.carp.demotion.maintenance);
  const { total, ours } = await demotion.snapshot();
  ctx.io.stdout(
    `boot-hold: demotion boot ${ours.boot}, maintenance ${ours.maintenance}${drained ? ' (drain flag set)' : ''}; ` +
      `net.inet.carp.demotion is now ${total ?? 'unreadable'}\n`,
  );
  return EXIT.OK;
}
