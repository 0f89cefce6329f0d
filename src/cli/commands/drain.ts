// drain [--wait] [--timeout S], undrain, freeze, thaw. Each sends its write command on the
// root-only intake socket; the service persists the flag and reconciles. `drain --wait` then
// polls `status` on the status socket once a second until every drain condition is met (exit 0)
// or the timeout passes (exit 1, naming what did not follow and the likely cause).
import type { WriteCommand } from '../../control/protocol.js';
import type { DrainCondition, StatusReport } from '../../status/model.js';
import { drainConditions, drainHint, type DrainResult } from '../../status/drain.js';
import type { CommandContext, CommandSpec } from '../command-spec.js';
import { EXIT } from '../../exit-codes.js';
import { callService, exitStatusOf, RemoteError, targetFor, type ServiceTarget } from '../client.js';
import { configPathOf } from './context.js';

export const DEFAULT_DRAIN_TIMEOUT_S = 600;

export interface DrainCommandDeps {
  /** Between two status polls; 1000 in real use. */
  pollIntervalMs?: number;
  /** Per request on either socket. */
  requestTimeoutMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** The commands with injectable timing, for tests; `drainCommands` is the real set. */
export function makeDrainCommands(deps: DrainCommandDeps = {}): CommandSpec[] {
  const pollIntervalMs = deps.pollIntervalMs ?? 1000;
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const requestTimeoutMs = deps.requestTimeoutMs;

  const write = async (ctx: CommandContext, cmd: WriteCommand): Promise<{ target: ServiceTarget; report: StatusReport | null }> => {
    const target = await targetFor(configPathOf(ctx));
    const result = await callService(target, cmd, undefined, { timeoutMs: requestTimeoutMs ?? 30_000 });
    return { target, report: isReport(result) ? result : null };
  };

  const drain: CommandSpec = {
    words: ['drain'],
    summary: 'hand MASTER, routes and the failover IP to the peer (persistent until undrain); --wait confirms it',
    options: [
      { name: 'wait', type: 'boolean', summary: 'wait until drained: exit 0 once every condition is met, 1 on timeout', default: false },
      { name: 'timeout', type: 'number', summary: 'seconds --wait waits before giving up', default: DEFAULT_DRAIN_TIMEOUT_S },
    ],
    async run(ctx) {
      const timeoutS = ctx.options.timeout ?? DEFAULT_DRAIN_TIMEOUT_S;
      if (typeof timeoutS !== 'number' || !Number.isFinite(timeoutS) || timeoutS <= 0 || timeoutS > 86_400) {
        ctx.io.stderr(`drain: --timeout must be a number of seconds between 1 and 86400, not ${JSON.stringify(timeoutS)}\n`);
        return EXIT.USAGE;
      }
      try {
        const { target, report } = await write(ctx, 'drain');
        const first = report ? resultOf(report) : null;
        ctx.io.stdout(`drain flag set: the maintenance demotion hands MASTER to the peer${report ? ` (${report.node}, role ${report.role})` : ''}\n`);
        if (!ctx.options.wait) {
          if (first && report) {
            ctx.io.stdout(first.drained ? 'drained: every condition is met\n' : 'not drained yet (run `carp-failover drain --wait` to wait for it):\n');
            ctx.io.stdout(formatConditions(first.conditions));
          }
          return EXIT.OK;
        }
        return await waitDrained(ctx, target, timeoutS);
      } catch (error) {
        ctx.io.stderr(`drain: ${messageOf(error)}\n`);
        return exitStatusOf(error);
      }
    },
  };

  const waitDrained = async (ctx: CommandContext, target: ServiceTarget, timeoutS: number): Promise<number> => {
    const deadline = now() + timeoutS * 1000;
    ctx.io.stdout(`waiting up to ${timeoutS} s for the drain to be confirmed…\n`);
    const reported = new Map<string, boolean>();
    let last: { report: StatusReport; result: DrainResult } | null = null;
    let lastError: Error | null = null;
    for (;;) {
      try {
        const reply = await callService(target, 'status', undefined, { timeoutMs: requestTimeoutMs ?? 5000 });
        if (!isReport(reply)) throw new Error('the status answer is not a status report');
        const result = resultOf(reply);
        last = { report: reply, result };
        lastError = null;
        if (!reply.flags.drain) {
          ctx.io.stderr('drain: the drain flag was cleared while waiting (undrain, or the flag file was removed)\n');
          return EXIT.FAILURE;
        }
        for (const condition of result.conditions) {
          if (reported.get(condition.name) === condition.met) continue;
          if (condition.met || reported.has(condition.name)) {
            ctx.io.stdout(`  ${condition.met ? 'ok  ' : 'lost'} ${condition.name}: ${condition.detail}\n`);
          }
          reported.set(condition.name, condition.met);
        }
        if (result.drained) {
          ctx.io.stdout(`drained: ${reply.node} holds nothing; it is safe to stop carp-failover and take it down\n`);
          return EXIT.OK;
        }
      } catch (error) {
        // The service may be restarting; keep asking until the deadline.
        lastError = error as Error;
      }
      const remaining = deadline - now();
      if (remaining <= 0) break;
      await sleep(Math.min(pollIntervalMs, remaining));
    }
    ctx.io.stderr(`drain not confirmed after ${timeoutS} s.\n`);
    if (last) {
      const unmet = last.result.conditions.filter((c) => !c.met);
      ctx.io.stderr(`not met:\n${formatConditions(unmet)}`);
      const hint = drainHint(last.result, last.report);
      if (hint) ctx.io.stderr(`likely cause: ${hint}\n`);
    }
    if (lastError) ctx.io.stderr(`last status request failed: ${messageOf(lastError)}\n`);
    ctx.io.stderr('the drain flag stays set: run `carp-failover undrain` to return to service, or wait longer.\n');
    return EXIT.FAILURE;
  };

  const simple = (words: string, cmd: WriteCommand, summary: string, done: (report: StatusReport | null) => string): CommandSpec => ({
    words: [words],
    summary,
    options: [],
    async run(ctx) {
      try {
        const { report } = await write(ctx, cmd);
        ctx.io.stdout(done(report));
        return EXIT.OK;
      } catch (error) {
        ctx.io.stderr(`${words}: ${messageOf(error)}\n`);
        return exitStatusOf(error);
      }
    },
  });

  return [
    drain,
    simple('undrain', 'undrain', 'remove the drain flag and the maintenance demotion: the node is active again', (report) =>
      `undrained: maintenance demotion removed${
        report === null ? '' : report.role === 'MASTER' ? `; ${report.node} is MASTER` : `; ${report.node} is ${report.role} and may take MASTER back (with preempt)`
      }\n`,
    ),
    simple('freeze', 'freeze', 'hands off: observe and report, change nothing (persistent until thaw)', () =>
      'frozen: carp-failover observes and reports but changes nothing until `carp-failover thaw`\n',
    ),
    simple('thaw', 'thaw', 'end a freeze: converge again', (report) =>
      `thawed: carp-failover converges again${report ? ` (${report.node} is ${report.role})` : ''}\n`,
    ),
  ];
}

export const drainCommands: CommandSpec[] = makeDrainCommands();

/** A refusal names the service's code, so the operator can tell it from a transport failure. */
function messageOf(error: unknown): string {
  return error instanceof RemoteError ? `carp-failover refused: ${error.remoteCode}: ${error.message}` : (error as Error).message;
}

/** The service's own drain verdict when it gives one, else computed from the report here. */
function resultOf(report: StatusReport): DrainResult {
  return report.drain ?? drainConditions(report);
}

function isReport(value: unknown): value is StatusReport {
  if (value === null || typeof value !== 'object') return false;
  const r = value as Partial<StatusReport>;
  return typeof r.node === 'string' && Array.isArray(r.vhids) && Array.isArray(r.resources) && typeof r.flags === 'object' && r.flags !== null && typeof r.demotion === 'object';
}

export function formatConditions(conditions: DrainCondition[]): string {
  return conditions.map((c) => `  ${c.met ? 'ok  ' : 'wait'} ${c.name}: ${c.detail}\n`).join('');
}
