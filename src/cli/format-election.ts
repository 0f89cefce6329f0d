// The election part of `carp-failover status`: the fail-back hold, then one row per path check
// with its verdict, last result, streak and the demotion it adds.
import type { ElectionStatus } from '../election/check-status.js';
import { cell, duration, sanitize, table, when } from './format-text.js';

/** Lines for the status text; a report from an older service (no election) prints nothing. */
export function formatElection(election: ElectionStatus | undefined, now: number): string[] {
  if (election === undefined) return [];
  const lines: string[] = [];
  const fb = election.failback;
  const hold =
    fb.state === 'idle'
      ? `${fb.mode}, nothing held`
      : fb.state === 'waiting'
        ? `${fb.mode}, HELD (${fb.demotion}) until ready, then ${fb.mode === 'manual' ? '`carp-failover release`' : 'hold'}: ${fb.reason ?? '?'}`
        : fb.mode === 'manual'
          ? `manual, HELD (${fb.demotion}) until \`carp-failover release\` (ready since ${when(fb.readySince, now)}): ${fb.reason ?? '?'}`
          : `hold, HELD (${fb.demotion}) until ${when(fb.until, now)}: ${fb.reason ?? '?'}`;
  lines.push(`${'failback'.padEnd(11)}${sanitize(hold)}`);
  if (election.checks.length === 0) {
    lines.push(`${'paths'.padEnd(11)}no path checks configured`);
    return lines;
  }
  lines.push(`${'paths'.padEnd(11)}path demotion ${election.pathDemotion}`);
  const rows = election.checks.map((c) => [
    c.name,
    c.type,
    cell(c.target, 32),
    c.state === 'down' ? 'DOWN' : c.state,
    c.streak > 0 ? `${c.streak} ok` : c.streak < 0 ? `${-c.streak} failed` : '-',
    `${c.fall}/${c.rise}`,
    String(c.demotion),
    c.lastResult === null ? '-' : cell(`${c.lastResult.ok ? 'ok' : 'FAIL'} ${c.lastResult.detail} (${duration(c.lastResult.durationMs)})`, 48),
    when(c.lastChangeAt, now),
  ]);
  lines.push(...table(['check', 'type', 'target', 'state', 'streak', 'fall/rise', 'demotion', 'last result', 'changed'], rows).map((l) => `  ${l}`));
  return lines;
}
