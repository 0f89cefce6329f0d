// keepPath ("never break a path OVH still uses"): true only on a node that left MASTER, while a
// move/vmac failover IP's last read binding still points here, and within ovh.keep_path_s (by
// default the task timeout). Never for shared-vmac, whose binding is the same on both routers.
import { describe, expect, it } from 'vitest';
import { freshMemory } from '../../src/engine/engine-memory.js';
import { keepPathBoundMs, keepPathNow } from '../../src/engine/keep-path.js';
import type { AnyResource, FailoverIpStatus } from '../../src/resources/resource.js';
import { ovhDetail } from '../fakes/status-report.js';
import { testConfig } from './support/harness.js';

function provider(status: Partial<FailoverIpStatus>): AnyResource {
  return { id: 'ovh:192.0.2.10/32', kind: 'ovh', lane: 'provider', status: () => ovhDetail(true, status) } as unknown as AnyResource;
}

function memory(resources: AnyResource[], role: 'MASTER' | 'BACKUP', masterEndedAt: number | null, ovh: Record<string, unknown> = {}) {
  const m = freshMemory(testConfig({ ovh }), resources, 0, {});
  m.role = role;
  m.masterEndedAt = masterEndedAt;
  return m;
}

describe('keepPathNow', () => {
  const bound = keepPathBoundMs(testConfig());

  it('defaults its bound to the task timeout; keep_path_s overrides it', () => {
    expect(bound).toBe(300_000);
    expect(keepPathBoundMs(testConfig({ ovh: { keep_path_s: 20 } }))).toBe(20_000);
  });

  it.each([
    ['BACKUP, left MASTER 1 s ago, bound here (move)', memory([provider({ strategy: 'move' })], 'BACKUP', 1000), 2000, { keep: true, until: 1000 + 300_000 }],
    ['the same with vmac', memory([provider({ strategy: 'vmac' })], 'BACKUP', 1000), 2000, { keep: true, until: 1000 + 300_000 }],
    ['bound to the peer now', memory([provider({ strategy: 'move', binding: { target: 'ns-b', ours: false } })], 'BACKUP', 1000), 2000, { keep: false, until: null }],
    ['binding never read', memory([provider({ strategy: 'move', binding: null })], 'BACKUP', 1000), 2000, { keep: false, until: null }],
    ['the bounded wait is over', memory([provider({ strategy: 'move' })], 'BACKUP', 1000), 1000 + 300_000, { keep: false, until: null }],
    ['keep_path_s: 0 never keeps it', memory([provider({ strategy: 'move' })], 'BACKUP', 1000, { keep_path_s: 0 }), 1000, { keep: false, until: null }],
    ['MASTER never keeps a path: it owns it', memory([provider({ strategy: 'move' })], 'MASTER', 1000), 2000, { keep: false, until: null }],
    ['never MASTER since start', memory([provider({ strategy: 'move' })], 'BACKUP', null), 2000, { keep: false, until: null }],
    ['shared-vmac: never (both routers read the shared vMAC as ours)', memory([provider({ strategy: 'shared-vmac' })], 'BACKUP', 1000), 2000, { keep: false, until: null }],
  ] as const)('%s', (_name, m, now, expected) => {
    expect(keepPathNow(m, now)).toEqual(expected);
  });
});
