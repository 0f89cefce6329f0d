// `carp-failover reconcile`: ask the service (on the root-only intake socket) to re-observe and
// converge everything now, and wait until that run has finished.
import { callService, targetFor } from '../client.js';
import type { CommandSpec } from '../command-spec.js';
import { EXIT } from '../../exit-codes.js';
import { configPathOf } from './context.js';

/** Margin over the service's own run timeout, so the service's answer wins the race. */
const REPLY_MARGIN_MS = 5000;

/** Runs a reconcile now; exit 0 when it converged, 1 when a resource failed. */
export const reconcileCommand: CommandSpec = {
  words: ['reconcile'],
  summary: 're-observe CARP and every resource now and converge what differs (needs root)',
  options: [],
  async run(ctx) {
    const target = await targetFor(configPathOf(ctx));
    const timeoutMs = (target.config?.reconcile.timeout_ms ?? 60_000) + REPLY_MARGIN_MS;
    const result = (await callService(target, 'reconcile', undefined, { timeoutMs })) as { reconcileId?: unknown; ok?: unknown } | null;
    const id = typeof result?.reconcileId === 'string' ? result.reconcileId : '?';
    if (result?.ok === true) {
      ctx.io.stdout(`reconcile ${id}: ok\n`);
      return EXIT.OK;
    }
    ctx.io.stdout(`reconcile ${id}: not everything converged (see carp-failover status)\n`);
    return EXIT.FAILURE;
  },
};
