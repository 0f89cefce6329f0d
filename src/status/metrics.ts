// Prometheus text exposition format 0.0.4, rendered from a StatusReport: the metrics are a view
// of status, never a second source of truth. Format reference:
// https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format
// (HELP escapes '\' and newline; label values escape '\', '"' and newline).
import { redactSecrets } from '../redact.js';
import { electionFamilies } from './metrics-election.js';
import type { ResourceStatus, StatusReport } from './model.js';
import { escapeHelp, escapeLabelValue, formatValue } from './prom-text.js';

export { escapeHelp, escapeLabelValue, formatValue } from './prom-text.js';

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const PREFIX = 'carp_failover_';
const ROLES = ['MASTER', 'BACKUP', 'MIXED', 'INIT'] as const;

type MetricType = 'counter' | 'gauge' | 'summary' | 'untyped';
type Labels = Record<string, string>;

interface Sample {
  /** Suffix after the family name ("_sum", "_count"), usually "". */
  suffix?: string;
  labels?: Labels;
  value: number;
}

interface Family {
  name: string;
  help: string;
  type: MetricType;
  samples: Sample[];
}

/** Counters from report.counters with a name and help of their own; others get a generic one. */
const KNOWN_COUNTERS: Record<string, { name: string; help: string }> = {
  transitions: { name: 'transitions_total', help: 'Role transitions since start.' },
  eventsReceived: { name: 'events_received_total', help: 'devd events received on the intake socket.' },
  eventsDropped: { name: 'events_dropped_total', help: 'Intake lines dropped (malformed, oversized, unfollowed vhid...).' },
  reconciles: { name: 'reconciles_total', help: 'Reconcile runs since start.' },
  reconcileErrors: { name: 'reconcile_errors_total', help: 'Reconcile runs that ended with an error.' },
  convergeErrors: { name: 'converge_errors_all_total', help: 'Failed converge attempts, all resources and codes together.' },
  configReloads: { name: 'config_reloads_total', help: 'Successful configuration reloads (SIGHUP).' },
  configReloadFailures: { name: 'config_reload_failures_total', help: 'Configuration reloads refused (bad file, a listener that cannot bind...): the running one was kept.' },
  metricsListenFailures: { name: 'metrics_listen_failures_total', help: 'Failed attempts to bind the metrics listener (retried with backoff).' },
};

export function renderMetrics(report: StatusReport): string {
  const families: Family[] = [];
  const seen = new Set<string>();
  const add = (name: string, type: MetricType, help: string, samples: Sample[]) => {
    // A family appears once; a generic counter whose name collides with a known one is dropped.
    if (seen.has(name)) return;
    seen.add(name);
    families.push({ name: PREFIX + name, type, help, samples });
  };

  add('info', 'gauge', 'Always 1; labels name the node and the status format version.', [
    { labels: { node: report.node, status_version: String(report.version) }, value: 1 },
  ]);
  add(
    'role',
    'gauge',
    'The node role derived from every followed vhid: 1 for the current role, 0 for the others.',
    ROLES.map((role) => ({ labels: { role }, value: report.role === role ? 1 : 0 })),
  );
  add('role_since_timestamp_seconds', 'gauge', 'When the current role began (Unix time).', [{ value: seconds(report.roleSince) }]);
  add(
    'vhid_master',
    'gauge',
    'Per followed vhid: 1 when MASTER here, 0 otherwise (state label: the state read).',
    report.vhids.map((v) => ({ labels: { vhid: String(v.vhid), interface: v.interface, state: v.state }, value: v.state === 'MASTER' ? 1 : 0 })),
  );

  // Counters kept by the service.
  add('transitions_total', 'counter', KNOWN_COUNTERS.transitions!.help, [{ value: report.counters.transitions ?? 0 }]);
  add('events_received_total', 'counter', KNOWN_COUNTERS.eventsReceived!.help, [{ value: report.counters.eventsReceived ?? 0 }]);
  add('events_dropped_total', 'counter', KNOWN_COUNTERS.eventsDropped!.help, [{ value: report.counters.eventsDropped ?? 0 }]);
  for (const [key, value] of Object.entries(report.counters).sort(([a], [b]) => a.localeCompare(b))) {
    if (key === 'transitions' || key === 'eventsReceived' || key === 'eventsDropped') continue;
    if (typeof value !== 'number') continue;
    const known = KNOWN_COUNTERS[key];
    if (known) add(known.name, 'counter', known.help, [{ value }]);
    else add(`${snakeCase(key)}_total`, 'counter', `Service counter "${key}".`, [{ value }]);
  }

  add(
    'converge_errors_total',
    'counter',
    'Failed converge attempts since start, by resource and error code.',
    report.resources.flatMap((r) =>
      Object.entries(r.errorCounts)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([code, count]) => ({ labels: { resource: r.id, code }, value: count })),
    ),
  );

  const ovh = report.resources.flatMap((r) => (r.detail?.kind === 'ovh' ? [{ id: r.id, status: r.detail }] : []));
  add(
    'ovh_calls_total',
    'counter',
    'OVH API calls since start, by failover IP resource and result.',
    ovh.flatMap(({ id, status }) =>
      Object.entries(status.calls)
        .filter(([, count]) => typeof count === 'number')
        .map(([result, count]) => ({ labels: { resource: id, result }, value: count })),
    ),
  );
  add(
    'contested',
    'gauge',
    'Per OVH failover IP: 1 while its binding keeps being moved away from this MASTER (split brain).',
    ovh.map(({ id, status }) => ({ labels: { resource: id }, value: status.contested ? 1 : 0 })),
  );
  add(
    'ovh_bound_here',
    'gauge',
    'Per OVH failover IP: 1 when the last read binding is this router, 0 when another; absent when unknown.',
    ovh.flatMap(({ id, status }) => (status.binding ? [{ labels: { resource: id }, value: status.binding.ours ? 1 : 0 }] : [])),
  );

  add('ovh_auth_paused', 'gauge', 'Per OVH failover IP: 1 while its API calls are paused after a credential failure.', [
    // pausedUntil also covers a 429's Retry-After pause: that one is not a credential failure.
    ...ovh.map(({ id, status }) => ({ labels: { resource: id }, value: status.pausedUntil === null || status.pauseReason === 'rate-limited' ? 0 : 1 })),
  ]);
  add('ovh_verify_ok', 'gauge', 'Per OVH failover IP: 1 when the last read of its binding answered (shared-vmac: and found it on the shared vMAC), 0 when not; absent before the first.', [
    ...ovh.flatMap(({ id, status }) => (status.verify.ok === null ? [] : [{ labels: { resource: id }, value: status.verify.ok ? 1 : 0 }])),
  ]);
  add('ovh_binding_read_timestamp_seconds', 'gauge', 'Per OVH failover IP: when its binding was last read successfully (a MASTER re-reads it every ovh.verify_period_s).', [
    ...ovh.flatMap(({ id, status }) => (status.bindingReadAt === null ? [] : [{ labels: { resource: id }, value: seconds(status.bindingReadAt) }])),
  ]);
  add(
    'vmac_carrying',
    'gauge',
    'Per shared-vMAC carrier interface: 1 while it carries the shared vMAC (only the MASTER should), 0 when it wears its own MAC; absent before the first observation.',
    report.resources.flatMap((r) => (r.detail?.kind === 'vmac' && r.detail.carrying !== null ? [{ labels: { resource: r.id, interface: r.detail.interface }, value: r.detail.carrying ? 1 : 0 }] : [])),
  );

  add(
    'in_sync',
    'gauge',
    'Per resource: 1 when the last observation matched the desired state, 0 when not; absent before the first observation.',
    report.resources.filter((r) => r.inSync !== null).map((r) => ({ labels: { resource: r.id, kind: r.kind }, value: r.inSync ? 1 : 0 })),
  );
  add(
    'converge_attempts',
    'gauge',
    'Per resource: consecutive failed converge attempts (0 once converged).',
    report.resources.map((r: ResourceStatus) => ({ labels: { resource: r.id, kind: r.kind }, value: r.attempts })),
  );
  add('converge_duration_seconds', 'summary', 'Time from a role transition to every resource in sync.', [
    { suffix: '_sum', value: report.convergence.sumMs / 1000 },
    { suffix: '_count', value: report.convergence.count },
  ]);
  add(
    'converge_duration_last_seconds',
    'gauge',
    'Time from the last role transition to every resource in sync; absent until one converged.',
    report.convergence.lastMs === null ? [] : [{ value: report.convergence.lastMs / 1000 }],
  );
  add(
    'demotion',
    'gauge',
    "This service's contributions to net.inet.carp.demotion, by reason.",
    Object.entries(report.demotion.ours)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([reason, value]) => ({ labels: { reason }, value })),
  );
  add(
    'demotion_sysctl',
    'gauge',
    'net.inet.carp.demotion as last read (the total, ours and anyone else\'s); absent when unread.',
    report.demotion.total === null ? [] : [{ value: report.demotion.total }],
  );
  add(
    'preempt',
    'gauge',
    'net.inet.carp.preempt as last read (1/0); absent when unread.',
    report.demotion.preempt === null ? [] : [{ value: report.demotion.preempt ? 1 : 0 }],
  );

  add('draining', 'gauge', '1 while the drain flag is set.', [{ value: report.flags.drain ? 1 : 0 }]);
  add('drained', 'gauge', '1 once a drain is confirmed: every drain condition met.', [{ value: report.drain?.drained ? 1 : 0 }]);
  add(
    'drain_condition_met',
    'gauge',
    'While draining, each condition of "drained": 1 when met.',
    (report.drain?.conditions ?? []).map((c) => ({ labels: { condition: c.name }, value: c.met ? 1 : 0 })),
  );
  add('frozen', 'gauge', '1 while frozen: the service observes and reports but changes nothing.', [{ value: report.flags.freeze ? 1 : 0 }]);
  add('ready', 'gauge', '1 when no readiness check holds the readiness demotion.', [{ value: report.readiness.ready ? 1 : 0 }]);
  add(
    'readiness_holds',
    'gauge',
    'Unmet readiness checks, by resource.',
    countBy(report.readiness.holds.map((h) => h.resource)).map(([resource, count]) => ({ labels: { resource }, value: count })),
  );
  for (const family of electionFamilies(report)) add(family.name, family.type, family.help, family.samples);

  if (report.lastReconcile) {
    add('last_reconcile_timestamp_seconds', 'gauge', 'When the last reconcile run ended (Unix time).', [{ value: seconds(report.lastReconcile.at) }]);
    add('last_reconcile_duration_seconds', 'gauge', 'How long the last reconcile run took.', [{ value: report.lastReconcile.durationMs / 1000 }]);
    add('last_reconcile_ok', 'gauge', '1 when the last reconcile run converged everything without error.', [{ value: report.lastReconcile.ok ? 1 : 0 }]);
  }
  add('start_time_seconds', 'gauge', 'When the service started (Unix time).', [{ value: seconds(report.startedAt) }]);
  add('heartbeat_timestamp_seconds', 'gauge', 'Refreshed on every engine tick and answer: a stale value means a stuck process.', [
    { value: seconds(report.heartbeatAt) },
  ]);

  return redactSecrets(families.map(renderFamily).join(''));
}

function renderFamily(family: Family): string {
  let text = `# HELP ${family.name} ${escapeHelp(family.help)}\n# TYPE ${family.name} ${family.type}\n`;
  for (const sample of family.samples) {
    text += `${family.name}${sample.suffix ?? ''}${renderLabels(sample.labels)} ${formatValue(sample.value)}\n`;
  }
  return text;
}

function renderLabels(labels: Labels | undefined): string {
  if (!labels) return '';
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  return `{${entries.map(([name, value]) => `${name}="${escapeLabelValue(value)}"`).join(',')}}`;
}

function seconds(iso: string): number {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? NaN : ms / 1000;
}

function snakeCase(key: string): string {
  const snake = key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^a-zA-Z0-9_]/g, '_')
    .toLowerCase();
  return /^[a-z_]/.test(snake) ? snake : `_${snake}`;
}

function countBy(values: string[]): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts.entries()];
}
