// `carp-failover release`: end the fail-back hold (failback.mode manual, or hold before hold_s)
// so this node may take MASTER back now. Sent on the root-only intake socket.
import type { StatusReport } from '../../status/model.js';
import { callService, exitStatusOf, RemoteError, targetFor } from '../client.js';
import type { CommandSpec } from '../command-spec.js';
import { EXIT } from '../../exit-codes.js';
import { configPathOf } from './context.js';

/** Releases the hold; exit 0 when one was released, 1 when none was held. */
export const releaseCommand: CommandSpec = {
  words: ['release'],
  summary: 'end the fail-back hold: this node may take MASTER back now (needs root)',
  options: [],
  async run(ctx) {
    try {
      const target = await targetFor(configPathOf(ctx));
      const result = (await callService(target, 'release', undefined, { timeoutMs: (target.config?.reconcile.timeout_ms ?? 60_000) + 5000 })) as {
        released?: unknown;
        report?: Partial<StatusReport>;
      } | null;
      const node = typeof result?.report?.node === 'string' ? result.report.node : 'this node';
      if (result?.released === true) {
        ctx.io.stdout(`released: the failback demotion is removed; ${node} may take MASTER back (with preempt)\n`);
        return EXIT.OK;
      }
      ctx.io.stdout(`nothing to release: ${node} holds no fail-back hold\n`);
      return EXIT.FAILURE;
    } catch (error) {
      ctx.io.stderr(`release: ${error instanceof RemoteError ? `carp-failover refused: ${error.remoteCode}: ${error.message}` : (error as Error).message}\n`);
      return exitStatusOf(error);
    }
  },
};
