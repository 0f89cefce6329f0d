import { describe, expect, it } from 'vitest';
import type { FailoverIpActual } from '../../../src/resources/failover-ip/model.js';
import { describeStep, planFailoverIp } from '../../../src/resources/failover-ip/plan.js';

const at = '2026-11-25T08:00:00.000Z';
const actual = (over: Partial<FailoverIpActual>): FailoverIpActual => ({ binding: { target: 'peer', ours: false }, task: null, holdUntil: null, blocked: null, readAt: at, at, ...over });
const task = { taskId: 7, function: 'genericMoveFloatingIp', status: 'doing' as const, comment: null, ours: false, step: null, since: at };

describe('planFailoverIp', () => {
  it.each([
    ['ours → nothing (even with a task or a hold)', 'move', actual({ binding: { target: 'me', ours: true }, task, holdUntil: '2030-01-01T00:00:00Z' }), []],
    ['a pending task → wait, never a second write', 'move', actual({ task }), [{ kind: 'wait-task', taskId: 7, status: 'doing' }]],
    ['blocked (our vMAC missing) → blocked', 'vmac', actual({ blocked: 'no vMAC' }), [{ kind: 'blocked', reason: 'no vMAC' }]],
    ['hold in the future → hold', 'move', actual({ holdUntil: '2026-11-25T08:01:00.000Z' }), [{ kind: 'hold', until: '2026-11-25T08:01:00.000Z' }]],
    ['hold passed → claim', 'move', actual({ holdUntil: '2026-11-25T07:59:00.000Z' }), [{ kind: 'move', to: 'me' }]],
    ['move elsewhere → one move', 'move', actual({}), [{ kind: 'move', to: 'me' }]],
    ['move parked → one move', 'move', actual({ binding: { target: null, ours: false } }), [{ kind: 'move', to: 'me' }]],
    ['vmac on the peer → remove it first (one step)', 'vmac', actual({}), [{ kind: 'vmac-remove', from: 'peer' }]],
    ['vmac unbound → add ours', 'vmac', actual({ binding: { target: null, ours: false } }), [{ kind: 'vmac-add', to: 'me' }]],
  ] as const)('%s', (_name, strategy, a, steps) => {
    expect(planFailoverIp(strategy, { boundTo: 'me' }, a)).toEqual(steps);
  });

  it('describes each step in one line', () => {
    expect(describeStep('192.0.2.10/32', { kind: 'move', to: 'ns1' })).toBe('POST /ip/192.0.2.10/32/move to ns1');
    expect(describeStep('192.0.2.10/32', { kind: 'vmac-remove', from: '02:00:00:00:00:01' })).toBe('remove 192.0.2.10/32 from vMAC 02:00:00:00:00:01');
  });
});
