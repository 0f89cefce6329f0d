// `carp-failover status [--json]`: one `status` request on the status socket.
import { STATUS_VERSION, type StatusReport } from '../../status/model.js';
import { callService, targetFor } from '../client.js';
import type { CommandSpec } from '../command-spec.js';
import { EXIT } from '../../exit-codes.js';
import { formatJson, formatStatus } from '../format.js';
import { configPathOf } from './context.js';

/** The heartbeat may lag a little behind a busy engine; three periods late means stuck. */
const MIN_STALE_MS = 30_000;

/** Prints the service's status as a table, or its JSON. */
export const statusCommand: CommandSpec = {
  words: ['status'],
  summary: 'show role, vhids, demotion, readiness and every resource (--json for scripts)',
  options: [{ name: 'json', type: 'boolean', summary: "print the service's reply as JSON" }],
  async run(ctx) {
    const target = await targetFor(configPathOf(ctx));
    const result = await callService(target, 'status');
    if (ctx.options.json === true) {
      ctx.io.stdout(formatJson(result));
      return EXIT.OK;
    }
    if (!isStatusReport(result)) {
      ctx.io.stderr('carp-failover: the service sent a status this CLI does not understand (version mismatch?); printing it as JSON\n');
      ctx.io.stdout(formatJson(result));
      return EXIT.SOFTWARE;
    }
    const periodMs = (target.config?.reconcile.period_s ?? 15) * 1000;
    ctx.io.stdout(formatStatus(result, { now: Date.now(), staleAfterMs: Math.max(MIN_STALE_MS, 3 * periodMs) }));
    return EXIT.OK;
  },
};

/** Enough of the shape to format it without throwing; the service is the authority on the rest. */
export function isStatusReport(value: unknown): value is StatusReport {
  if (value === null || typeof value !== 'object') return false;
  const r = value as Partial<StatusReport>;
  return (
    r.version === STATUS_VERSION &&
    typeof r.node === 'string' &&
    typeof r.role === 'string' &&
    Array.isArray(r.vhids) &&
    Array.isArray(r.resources) &&
    typeof r.demotion === 'object' &&
    r.demotion !== null &&
    typeof r.flags === 'object' &&
    typeof r.readiness === 'object' &&
    r.readiness !== null &&
    Array.isArray(r.readiness.holds) &&
    typeof r.counters === 'object' &&
    typeof r.convergence === 'object' &&
    typeof r.config === 'object' &&
    typeof r.heartbeatAt === 'string'
  );
}
