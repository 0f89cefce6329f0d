// `carp-failover history [--json] [--limit N]`: the journal's last failovers, as timelines.
import { HISTORY_LIMITS } from '../../status/history.js';
import type { Timeline } from '../../status/model.js';
import { UsageError } from '../argv.js';
import { callService, targetFor } from '../client.js';
import type { CommandSpec } from '../command-spec.js';
import { EXIT } from '../../exit-codes.js';
import { formatHistory, formatJson } from '../format.js';
import { configPathOf } from './context.js';

/** Prints the last failovers, each step at its offset from the transition. */
export const historyCommand: CommandSpec = {
  words: ['history'],
  summary: 'show the last failovers as timelines (each step with its +offset in ms)',
  options: [
    { name: 'json', type: 'boolean', summary: "print the service's reply as JSON" },
    { name: 'limit', type: 'number', summary: 'how many failovers to show', default: 10 },
  ],
  async run(ctx) {
    const limit = ctx.options.limit;
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > HISTORY_LIMITS.max) {
      throw new UsageError(`option --limit: ${JSON.stringify(limit)} must be a whole number from 1 to ${HISTORY_LIMITS.max}`, historyCommand, { option: '--limit', value: limit });
    }
    const result = await callService(await targetFor(configPathOf(ctx)), 'history', { limit });
    if (ctx.options.json === true) {
      ctx.io.stdout(formatJson(result));
      return EXIT.OK;
    }
    if (!isTimelines(result)) {
      ctx.io.stderr('carp-failover: the service sent a history this CLI does not understand (version mismatch?); printing it as JSON\n');
      ctx.io.stdout(formatJson(result));
      return EXIT.SOFTWARE;
    }
    ctx.io.stdout(formatHistory(result));
    return EXIT.OK;
  },
};

function isTimelines(value: unknown): value is Timeline[] {
  return (
    Array.isArray(value) &&
    value.every(
      (t) => t !== null && typeof t === 'object' && typeof t.at === 'string' && Array.isArray(t.steps) && Array.isArray(t.vhids) && t.steps.every((s: unknown) => s !== null && typeof s === 'object'),
    )
  );
}
