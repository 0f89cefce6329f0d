// Helpers every built-in command shares: where the config is, and how to report a failure.
import type { CommandContext } from '../command-spec.js';
import { DEFAULT_CONFIG_PATH } from '../../config/schema.js';

/** The config path the grammar resolved (-c, $CARP_FAILOVER_CONFIG, or the default); the env again for a command run without the grammar. */
export function configPathOf(ctx: CommandContext): string {
  const value = ctx.options.config;
  return typeof value === 'string' && value !== '' ? value : ctx.env.CARP_FAILOVER_CONFIG || DEFAULT_CONFIG_PATH;
}
