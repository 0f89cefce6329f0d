// `carp-failover status` for a human: who leads, why we are (not) fit to, and for every resource
// whether it is where it should be, what went wrong last and when we try again.
import type { StatusReport } from '../status/model.js';
import { formatElection } from './format-election.js';
import { cell, duration, sanitize, table, when } from './format-text.js';

export interface StatusFormatOptions {
  now: number;
  /** A heartbeat older than this is flagged: the process answers but its engine is stuck. */
  staleAfterMs: number;
}

/** The status report as lines of text. */
export function formatStatus(report: StatusReport, options: StatusFormatOptions): string {
  const { now } = options;
  const lines: string[] = [];
  const field = (name: string, value: string) => lines.push(`${name.padEnd(11)}${sanitize(value)}`);
  field('node', `${report.node} (pid ${report.pid})`);
  field('role', `${report.role} since ${when(report.roleSince, now)}`);
  field('vhids', report.vhids.map((v) => `${v.vhid}@${v.interface} ${v.state}${v.advskew === undefined ? '' : ` (advskew ${v.advskew})`}`).join(', ') || '-');
  const ours = Object.entries(report.demotion.ours);
  const oursText = ours.map(([reason, value]) => `${reason} ${value}`).join(', ') || 'none';
  field('demotion', `total ${report.demotion.total ?? '?'}, ours: ${oursText}${preempt(report.demotion.preempt)}`);
  const aside = report.demotion.recordSetAside;
  if (aside) field('demotion record', `UNTRUSTED at start (${aside.reason}); kept as ${aside.path}; boot demotion held as after a reboot`);
  field('flags', `drain ${report.flags.drain ? 'ON' : 'off'}, freeze ${report.flags.freeze ? 'ON' : 'off'}`);
  if (report.drain !== null) {
    field('drain', report.drain.drained ? 'drained' : 'draining (not yet drained)');
    for (const condition of report.drain.conditions) lines.push(`${''.padEnd(11)}[${condition.met ? 'x' : ' '}] ${sanitize(condition.name)}: ${sanitize(condition.detail)}`);
  }
  field('readiness', report.readiness.ready ? 'ready' : `NOT READY (${report.readiness.holds.length} hold(s))`);
  for (const hold of report.readiness.holds) lines.push(`${''.padEnd(11)}${sanitize(hold.resource)}: ${sanitize(hold.reason)}`);
  lines.push(...formatElection(report.election, now));
  lines.push('', 'resources');
  if (report.resources.length === 0) lines.push('  (none configured)');
  else {
    const rows = report.resources.map((r) => [
      r.id,
      cell(r.desired, 24),
      cell(r.actual, 24),
      r.inSync === null ? 'unknown' : r.inSync ? 'yes' : 'NO',
      r.lastError === null ? '-' : cell(`${r.lastError.code}: ${r.lastError.message}`, 48),
      r.nextRetryAt === null ? '-' : when(r.nextRetryAt, now),
      r.waiting ?? '-',
    ]);
    lines.push(...table(['resource', 'desired', 'actual', 'in sync', 'last error', 'next retry', 'waiting'], rows).map((l) => `  ${l}`));
  }
  lines.push('', 'counters');
  const counters = Object.entries(report.counters).sort(([a], [b]) => a.localeCompare(b));
  if (counters.length === 0) lines.push('  (none)');
  lines.push(...counters.map(([name, value]) => `  ${sanitize(name).padEnd(32)} ${value}`));
  lines.push('');
  const last = report.lastReconcile;
  field('reconcile', last === null ? 'not yet run' : `${last.id} ${last.ok ? 'ok' : 'FAILED'} in ${duration(last.durationMs)} at ${when(last.at, now)}`);
  const conv = report.convergence;
  field('converge', conv.count === 0 ? 'no transition yet' : `last ${conv.lastMs === null ? '?' : duration(conv.lastMs)}, mean ${duration(conv.sumMs / conv.count)} over ${conv.count}`);
  field('config', `${report.config.path} loaded ${when(report.config.loadedAt, now)}, ${report.config.reloads} reload(s), ${report.config.reloadFailures} failed`);
  field('started', when(report.startedAt, now));
  field('heartbeat', when(report.heartbeatAt, now));
  const age = now - Date.parse(report.heartbeatAt);
  if (!Number.isNaN(age) && age > options.staleAfterMs) {
    lines.push('', `WARNING: the heartbeat is ${duration(age)} old (more than ${duration(options.staleAfterMs)}): the service answers but may be stuck.`);
  }
  return `${lines.join('\n')}\n`;
}

function preempt(value: boolean | null): string {
  return value === null ? '' : `; preempt ${value ? 'on' : 'OFF'}`;
}
