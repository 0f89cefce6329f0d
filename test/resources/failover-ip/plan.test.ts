import { describe, expect, it } from 'vitest';
import type { FailoverIpActual } from '../../../src/resources/failover-ip/model.js';
import { describeStep, planFailoverIp } from '../../../src/resources/failover-ip/plan.js';

const at = '2026-11-25T08:00:00.000Z';
const actual = (over: Partial<FailoverIpActual>): FailoverIpActual => ({ binding: { target: 'peer', ours: false }, task: null, holdUntil: null, blocked: null, readAt: at, at, ...over });
const task = { taskId: 7, function: 'genericMoveFloatingIp', status: 'doing' as const, comment: null, ours: false, step: null, since: at };

const options = { ip: '192.0.2.10/32', pollMs: 5000 };
const steps = (list: unknown[]) => ({ kind: 'steps', steps: list });

describe('planFailoverIp', () => {
  it.each([
    ['ours → nothing (even with a task or a hold)', 'move', actual({ binding: { target: 'me', ours: true }, task, holdUntil: '2030-01-01T00:00:00Z' }), steps([])],
    ['a pending task → wait at the poll period, never a second write', 'move', actual({ task }), { kind: 'wait', reason: 'OVH task 7 (genericMoveFloatingIp) is doing', requeueAfterMs: 5000 }],
    ['hold in the future → wait until it ends', 'move', actual({ holdUntil: '2026-11-25T08:01:00.000Z' }), { kind: 'wait', reason: 're-claim held until 2026-11-25T08:01:00.000Z (contested)', requeueAfterMs: 60_000 }],
    ['hold ending sooner than a poll → wait one poll', 'move', actual({ holdUntil: '2026-11-25T08:00:01.000Z' }), { kind: 'wait', reason: 're-claim held until 2026-11-25T08:00:01.000Z (contested)', requeueAfterMs: 5000 }],
    ['hold passed → claim', 'move', actual({ holdUntil: '2026-11-25T07:59:00.000Z' }), steps([{ kind: 'move', to: 'me' }])],
    ['move elsewhere → one move', 'move', actual({}), steps([{ kind: 'move', to: 'me' }])],
    ['move parked → one move', 'move', actual({ binding: { target: null, ours: false } }), steps([{ kind: 'move', to: 'me' }])],
    ['vmac on the peer → remove it first (one step)', 'vmac', actual({}), steps([{ kind: 'vmac-remove', from: 'peer' }])],
    ['vmac unbound → add ours', 'vmac', actual({ binding: { target: null, ours: false } }), steps([{ kind: 'vmac-add', to: 'me' }])],
  ] as const)('%s', (_name, strategy, a, plan) => {
    expect(planFailoverIp(strategy, { boundTo: 'me' }, a, options)).toEqual(plan);
  });

  it('our vMAC missing → blocked with CONFIG_INVALID naming the IP, not a step', () => {
    const plan = planFailoverIp('vmac', { boundTo: 'me' }, actual({ blocked: 'no vMAC' }), options);
    expect(plan).toMatchObject({ kind: 'blocked', error: { code: 'CONFIG_INVALID', message: 'ovh:192.0.2.10/32: no vMAC', details: { ip: '192.0.2.10/32' } } });
  });

  it('describes each step in one line', () => {
    expect(describeStep('192.0.2.10/32', { kind: 'move', to: 'ns1' })).toBe('POST /ip/192.0.2.10/32/move to ns1');
    expect(describeStep('192.0.2.10/32', { kind: 'vmac-remove', from: '02:00:00:00:00:01' })).toBe('remove 192.0.2.10/32 from vMAC 02:00:00:00:00:01');
  });
});
