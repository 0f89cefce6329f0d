// A StatusReport as the service would send it for router-002, MASTER, with one failing resource.
import type { StatusReport, Timeline } from '../../src/status/model.js';

export const NOW = Date.parse('2025-11-25T08:00:00.000Z');
const ago = (ms: number) => new Date(NOW - ms).toISOString();

/** A full report; `heartbeatAgeMs` ages the heartbeat to test the stale warning. */
export function sampleStatus(heartbeatAgeMs = 500): StatusReport {
  return {
    version: 1,
    node: 'router-002',
    role: 'MASTER',
    roleSince: ago(192_000),
    vhids: [
      { vhid: 1, interface: 'vmx0', state: 'MASTER', advbase: 1, advskew: 0 },
      { vhid: 2, interface: 'vmx1', state: 'MASTER', advbase: 1, advskew: 0 },
    ],
    demotion: { total: 240, ours: { boot: 0, maintenance: 0, readiness: 240 }, preempt: true, allow: true },
    flags: { drain: false, freeze: false },
    drain: null,
    readiness: { ready: false, holds: [{ resource: 'ospf:gre1', reason: 'no Full neighbour on gre1 (require_neighbors 1)' }] },
    resources: [
      statusOf('gre:gre0', 'gre', 'up', 'up', true),
      statusOf('ospf:gre0', 'ospf', { cost: 10 }, { cost: 10 }, true),
      {
        ...statusOf('ovh:192.0.2.10/32', 'ovh', { vmac: '02:00:00:ff:3e:98' }, { vmac: '02:00:00:aa:bb:cc' }, false),
        lastError: { code: 'OVH_RATE_LIMITED', message: 'HTTP 429 on POST /dedicated/server/ns3000000/virtualMac', details: {}, transient: true, at: ago(4000) },
        attempts: 2,
        nextRetryAt: new Date(NOW + 4000).toISOString(),
        waiting: 'backoff',
      },
    ],
    counters: { 'events.received': 12, 'events.malformed': 1, transitions: 3, reconciles: 40, 'converge.errors': 2 },
    lastReconcile: { id: 'r-7f3a', at: ago(2000), durationMs: 37, ok: false },
    convergence: { count: 2, sumMs: 1600, lastMs: 812 },
    config: { path: '/usr/local/etc/carp-failover.yaml', loadedAt: ago(3_600_000), reloads: 1, reloadFailures: 0 },
    startedAt: ago(7_200_000),
    heartbeatAt: ago(heartbeatAgeMs),
    pid: 4242,
  };
}

function statusOf(id: string, kind: 'gre' | 'ospf' | 'ovh', desired: unknown, actual: unknown, inSync: boolean) {
  return {
    id,
    kind,
    desired,
    actual,
    inSync,
    lastObservedAt: ago(2000),
    lastChangeAt: ago(190_000),
    lastError: null,
    attempts: 0,
    nextRetryAt: null,
    waiting: null,
    errorCounts: {},
    extra: {},
  };
}

/** One BACKUP → MASTER failover with three steps, one of them failed. */
export function sampleHistory(): Timeline[] {
  return [
    {
      at: ago(192_000),
      from: 'BACKUP',
      to: 'MASTER',
      vhids: [
        { vhid: 1, interface: 'vmx0', state: 'MASTER' },
        { vhid: 2, interface: 'vmx1', state: 'MASTER' },
      ],
      steps: [
        { offsetMs: 304, at: ago(191_696), resource: 'gre:gre0', step: 'ifconfig gre0 up', outcome: 'ok', durationMs: 3 },
        { offsetMs: 311, at: ago(191_689), resource: 'ospf:gre0', step: 'ip ospf cost 10 on gre0', outcome: 'ok', durationMs: 45 },
        {
          offsetMs: 3012,
          at: ago(188_988),
          resource: 'ovh:192.0.2.10/32',
          step: 'bind 192.0.2.10/32 to 02:00:00:ff:3e:98',
          outcome: 'error',
          durationMs: 120,
          error: { code: 'OVH_RATE_LIMITED', message: 'HTTP 429' },
        },
      ],
      convergedAfterMs: null,
    },
  ];
}
