// Rules that span several keys, which the per-key schema cannot express. Each returns the path
// of the offending key so the loader can name its line, like any schema problem.
import type { CrossProblem } from './cross-problem.js';
import type { Config } from './schema.js';
import { sharedVmacProblems } from './shared-vmac-checks.js';

export type { CrossProblem } from './cross-problem.js';

/** Every cross-field problem of a config that already passed the schema. */
export function crossCheck(config: Config): CrossProblem[] {
  return [
    ...duplicates(config.carp.vhids, (v) => `${v.vhid}@${v.interface}`, ['carp', 'vhids'], (k) => `vhid ${k} is listed twice`),
    ...duplicates(config.gre.tunnels, (t) => t.interface, ['gre', 'tunnels'], (k) => `GRE tunnel ${k} is listed twice`, 'interface'),
    ...duplicates(config.ospf.interfaces, (i) => i.interface, ['ospf', 'interfaces'], (k) => `OSPF interface ${k} is listed twice`, 'interface'),
    ...duplicates(config.ovh.ips, (ip) => ip.ip, ['ovh', 'ips'], (k) => `failover IP ${k} is listed twice`, 'ip'),
    ...duplicates(
      config.gre.tunnels.filter((t) => t.inner !== undefined),
      (t) => t.inner!.local,
      ['gre', 'tunnels'],
      (k) => `inner address ${k} is used by two tunnels`,
      'inner',
      config.gre.tunnels,
    ),
    ...ordered(config.reconcile.backoff.initial_ms, config.reconcile.backoff.max_ms, ['reconcile', 'backoff', 'initial_ms'], 'reconcile.backoff.max_ms'),
    ...ordered(config.ovh.reclaim_min_interval_s, config.ovh.reclaim_max_interval_s, ['ovh', 'reclaim_min_interval_s'], 'ovh.reclaim_max_interval_s'),
    ...config.ospf.interfaces.flatMap((item, index) =>
      item.cost.master < item.cost.backup
        ? []
        : [{ path: ['ospf', 'interfaces', index, 'cost', 'master'], reason: `must be lower than cost.backup (${item.cost.backup}) so that traffic prefers the MASTER` }],
    ),
    ...sharedVmacProblems(config),
    ...duplicates(config.health.checks, (c) => c.name, ['health', 'checks'], (k) => `path check ${k} is listed twice`, 'name'),
    ...config.health.checks.flatMap((check, index) =>
      check.timeout_ms < check.interval_ms ? [] : [{ path: ['health', 'checks', index, 'timeout_ms'], reason: `must be lower than interval_ms (${check.interval_ms}): one probe at a time per check` }],
    ),
    ...(config.sockets.intake.path === config.sockets.status.path
      ? [{ path: ['sockets', 'status', 'path'], reason: `must differ from sockets.intake.path (both are ${config.sockets.status.path})` }]
      : []),
  ];
}

// Reports the second and later occurrences, pointing back at the first.
function duplicates<T>(
  items: readonly T[],
  keyOf: (item: T) => string,
  base: PropertyKey[],
  reason: (key: string) => string,
  field?: string,
  indexSource: readonly T[] = items,
): CrossProblem[] {
  const first = new Map<string, number>();
  const out: CrossProblem[] = [];
  for (const item of items) {
    const index = indexSource.indexOf(item);
    const key = keyOf(item);
    const seen = first.get(key);
    if (seen === undefined) {
      first.set(key, index);
      continue;
    }
    const path = field === undefined ? [...base, index] : [...base, index, field];
    out.push({ path, reason: `${reason(key)} (first at ${base.map(String).join('.')}[${seen}])` });
  }
  return out;
}

function ordered(low: number, high: number, path: PropertyKey[], highName: string): CrossProblem[] {
  return low <= high ? [] : [{ path, reason: `must not exceed ${highName} (${low} > ${high})` }];
}
