import { describe, expect, it } from 'vitest';
import { drainConditions, drainHint, drainStatus } from '../../src/status/drain.js';
import type { StatusReport } from '../../src/status/model.js';
import { T0, drainedReport, ovhDetail, resourceStatus, withResource } from '../fakes/status-report.js';

const BEFORE_T0 = '2026-11-25T09:59:00.000Z';

function unmet(report: StatusReport): string[] {
  return drainConditions(report)
    .conditions.filter((c) => !c.met)
    .map((c) => c.name);
}

describe('drainConditions', () => {
  const cases: Array<{ name: string; report: StatusReport; unmet: string[]; hint: RegExp | null }> = [
    { name: 'drained: every condition met', report: drainedReport(), unmet: [], hint: null },
    {
      name: 'no peer took MASTER: the vhids stay MASTER here',
      report: drainedReport({
        role: 'MASTER',
        vhids: [
          { vhid: 1, interface: 'vmx0', state: 'MASTER' },
          { vhid: 2, interface: 'vmx1', state: 'MASTER' },
        ],
        resources: drainedReport().resources.map((r) => (r.kind === 'ovh' ? { ...r, detail: ovhDetail(true) } : r)),
      }),
      unmet: ['vhids', 'ovh:192.0.2.10/32', 'ospf:gre0', 'gre:gre0', 'gre:gre1'],
      hint: /no peer took MASTER: is net\.inet\.carp\.preempt=1 on the peer/,
    },
    {
      name: 'OVH not followed: BACKUP here but the IP is still bound here',
      report: withResource(drainedReport(), 'ovh:192.0.2.10/32', { detail: ovhDetail(true) }),
      unmet: ['ovh:192.0.2.10/32'],
      hint: /the peer's OVH claim has not landed: check its status/,
    },
    {
      name: 'shared-vmac: the binding never moves (always on the shared vMAC), OVH unreadable: not an OVH condition',
      report: withResource(drainedReport(), 'ovh:192.0.2.10/32', { lastError: { code: 'OVH_HTTP', message: '503' } as never, detail: ovhDetail(true, { strategy: 'shared-vmac', verify: { ok: null, at: null, error: '503' } }) }),
      unmet: [],
      hint: null,
    },
    {
      name: 'OVH binding read before the role changed proves nothing',
      report: withResource(drainedReport(), 'ovh:192.0.2.10/32', { lastObservedAt: BEFORE_T0, detail: ovhDetail(false, { bindingReadAt: BEFORE_T0 }) }),
      unmet: ['ovh:192.0.2.10/32'],
      hint: /not been re-read since this node left MASTER/,
    },
    {
      name: 'OVH observed after the role change but answered from a binding read before it',
      report: withResource(drainedReport(), 'ovh:192.0.2.10/32', { detail: ovhDetail(false, { bindingReadAt: BEFORE_T0 }) }),
      unmet: ['ovh:192.0.2.10/32'],
      hint: /not been re-read since this node left MASTER/,
    },
    {
      name: 'OVH binding read after the role change (bindingReadAt) counts',
      report: withResource(drainedReport(), 'ovh:192.0.2.10/32', { lastObservedAt: BEFORE_T0, detail: ovhDetail(false, { bindingReadAt: '2026-11-25T10:00:06.000Z' }) }),
      unmet: [],
      hint: null,
    },
    {
      name: 'OVH binding unknown',
      report: withResource(drainedReport(), 'ovh:192.0.2.10/32', {
        detail: ovhDetail(null),
        lastError: { code: 'OVH_AUTH', message: 'invalid credentials', details: {}, transient: false, at: T0 },
      }),
      unmet: ['ovh:192.0.2.10/32'],
      hint: /binding has not been read \(last error OVH_AUTH/,
    },
    {
      name: 'OSPF not raised: the cost is not at its BACKUP value yet',
      report: withResource(drainedReport(), 'ospf:gre0', { inSync: false, actual: { cost: 10 } }),
      unmet: ['ospf:gre0'],
      hint: /ospf:gre0 has not converged as BACKUP yet/,
    },
    {
      name: 'OSPF in sync but last observed while MASTER',
      report: withResource(drainedReport(), 'ospf:gre0', { lastObservedAt: BEFORE_T0 }),
      unmet: ['ospf:gre0'],
      hint: /ospf:gre0/,
    },
    {
      name: 'OSPF failing: the hint names the error',
      report: withResource(drainedReport(), 'ospf:gre0', {
        inSync: false,
        lastError: { code: 'VTYSH_FAILED', message: 'vtysh exited 1', details: {}, transient: true, at: T0 },
        nextRetryAt: '2026-11-25T10:00:09.000Z',
      }),
      unmet: ['ospf:gre0'],
      hint: /ospf:gre0 failed to converge: VTYSH_FAILED: vtysh exited 1 \(next retry/,
    },
    {
      name: 'a follow-carp tunnel still up',
      report: withResource(drainedReport(), 'gre:gre1', { inSync: false, actual: { up: true }, waiting: 'settling' }),
      unmet: ['gre:gre1'],
      hint: /gre:gre1 is waiting: settling/,
    },
    {
      name: 'maintenance demotion not applied yet',
      report: drainedReport({ demotion: { total: 0, ours: { boot: 0, maintenance: 0, readiness: 0, path: 0, failback: 0 }, preempt: true, allow: true } }),
      unmet: ['demotion'],
      hint: /maintenance demotion is not applied yet/,
    },
    {
      name: 'frozen: nothing converges, the hint says thaw',
      report: withResource(drainedReport({ flags: { drain: true, freeze: true } }), 'gre:gre0', { inSync: false, waiting: 'frozen' }),
      unmet: ['gre:gre0'],
      hint: /frozen.*carp-failover thaw/,
    },
    {
      name: 'a vhid ABSENT here',
      report: drainedReport({
        role: 'INIT',
        vhids: [
          { vhid: 1, interface: 'vmx0', state: 'BACKUP' },
          { vhid: 2, interface: 'vmx1', state: 'ABSENT' },
        ],
      }),
      unmet: ['vhids'],
      hint: /2@vmx1 is ABSENT: check the interface/,
    },
    {
      name: 'CARP not observed yet',
      report: drainedReport({ vhids: [] }),
      unmet: ['vhids'],
      hint: /CARP has not been observed yet/,
    },
  ];

  for (const c of cases) {
    it(c.name, () => {
      const result = drainConditions(c.report);
      expect(unmet(c.report).sort()).toEqual([...c.unmet].sort());
      expect(result.drained).toBe(c.unmet.length === 0);
      const hint = drainHint(result, c.report);
      if (c.hint === null) expect(hint).toBeNull();
      else expect(hint).toMatch(c.hint);
    });
  }

  it('names each condition with a detail, vhids and demotion first', () => {
    const { conditions } = drainConditions(drainedReport());
    expect(conditions.map((c) => c.name)).toEqual(['vhids', 'demotion', 'ovh:192.0.2.10/32', 'ospf:gre0', 'gre:gre0', 'gre:gre1']);
    expect(conditions.find((c) => c.name === 'vhids')!.detail).toBe('all BACKUP here (1@vmx0, 2@vmx1)');
    expect(conditions.find((c) => c.name === 'ovh:192.0.2.10/32')!.detail).toBe('bound to 02:00:00:aa:bb:03');
    expect(conditions.find((c) => c.name === 'demotion')!.detail).toMatch(/maintenance demotion 240 applied/);
  });

  it('shared-vmac: drained only once the carrier no longer carries the vMAC, observed since the role changed', () => {
    const carrier = (carrying: boolean | null, lastObservedAt = '2026-11-25T10:00:05.000Z') =>
      resourceStatus({ id: 'vmac:vtnet1', kind: 'vmac', lastObservedAt, detail: { kind: 'vmac', interface: 'vtnet1', vmac: '02:00:00:ff:3e:98', hwaddr: '58:9c:fc:00:02:01', carrying } });
    const base = withResource(drainedReport(), 'ovh:192.0.2.10/32', { detail: ovhDetail(true, { strategy: 'shared-vmac' }) });
    const report = (r: ReturnType<typeof carrier>) => ({ ...base, resources: [...base.resources, r] });
    expect(unmet(report(carrier(false)))).toEqual([]);
    expect(drainConditions(report(carrier(false))).conditions.find((c) => c.name === 'vmac:vtnet1')!.detail).toBe('shared vMAC released: the interface wears its own MAC');
    expect(unmet(report(carrier(true)))).toEqual(['vmac:vtnet1']);
    expect(drainConditions(report(carrier(true))).conditions.find((c) => c.name === 'vmac:vtnet1')!.detail).toBe('shared vMAC still carried here');
    expect(unmet(report(carrier(null)))).toEqual(['vmac:vtnet1']);
    expect(unmet(report(carrier(false, '2026-11-25T09:59:00.000Z')))).toEqual(['vmac:vtnet1']);
    expect(unmet({ ...report(carrier(false)), role: 'MASTER' })).toContain('vmac:vtnet1');
  });

  it('a resource left alone (no desired state, never observed) does not block', () => {
    const report = withResource(drainedReport(), 'gre:gre1', { desired: null, inSync: null, lastObservedAt: null });
    expect(drainConditions(report).drained).toBe(true);
  });

  it('the hint names preempt=0 here as a clue about the peer', () => {
    const report = drainedReport({
      role: 'MASTER',
      vhids: [{ vhid: 1, interface: 'vmx0', state: 'MASTER' }],
      demotion: { total: 240, ours: { boot: 0, maintenance: 240, readiness: 0, path: 0, failback: 0 }, preempt: false, allow: true },
    });
    expect(drainHint(drainConditions(report), report)).toMatch(/preempt=1 on the peer \(it is 0 here too\)/);
  });

  it('drainStatus: the conditions while the flag is on, null otherwise (the report\'s drain field)', () => {
    const { drain: _omitted, ...engineReport } = drainedReport();
    expect(drainStatus(engineReport)).toEqual(drainConditions(engineReport));
    expect(drainStatus({ ...engineReport, flags: { drain: false, freeze: false } })).toBeNull();
  });
});
