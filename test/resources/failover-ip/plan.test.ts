import { describe, expect, it } from 'vitest';
import type { FailoverIpActual } from '../../../src/resources/failover-ip/model.js';
import { describeStep, planFailoverIp } from '../../../src/resources/failover-ip/plan.js';

const at = '2026-11-25T08:00:00.000Z';
const actual = (over: Partial<FailoverIpActual>): FailoverIpActual => ({ binding: { target: 'peer', ours: false }, task: null, holdUntil: null, blocked: null, lostAnswerUntil: null, readAt: at, at, ...over });
const task = { taskId: 7, function: 'genericMoveFloatingIp', status: 'doing' as const, comment: null, ours: false, step: null, since: at, blocksUntil: null };
/** A server vMAC task that names no IP, within and past its bounded wait (task-wait.ts). */
const unattributed = { ...task, function: 'virtualMacDelete', blocksUntil: '2026-11-25T08:01:00.000Z' };
const unattributedPast = { ...unattributed, blocksUntil: '2026-11-25T07:59:00.000Z' };
const ours = { target: 'me', ours: true };
const waitTask = (fn: string) => ({ kind: 'wait', reason: `OVH task 7 (${fn}) is doing`, requeueAfterMs: 5000 });
const lostWait = { kind: 'wait', reason: 'looking for the task of a write whose answer was lost, until 2026-11-25T08:00:15.000Z', requeueAfterMs: 5000 };

const options = { ip: '192.0.2.10/32', pollMs: 5000 };
const steps = (list: unknown[]) => ({ kind: 'steps', steps: list });

describe('planFailoverIp', () => {
  it.each([
    ['ours → nothing (even with a hold)', 'move', actual({ binding: ours, holdUntil: '2030-01-01T00:00:00Z' }), steps([])],
    ['ours but a task pending that may change it → unsettled: follow the task', 'move', actual({ binding: ours, task }), waitTask('genericMoveFloatingIp')],
    ['ours, a vMAC task that names no IP past its bounded wait → nothing', 'vmac', actual({ binding: ours, task: unattributedPast }), steps([])],
    ['elsewhere, a vMAC task that names no IP within its bounded wait → wait', 'vmac', actual({ task: unattributed }), waitTask('virtualMacDelete')],
    ['elsewhere, a vMAC task that names no IP past its bounded wait → claim anyway', 'vmac', actual({ task: unattributedPast }), steps([{ kind: 'vmac-remove', from: 'peer' }])],
    ['a lost answer within its grace → look, never write', 'vmac', actual({ lostAnswerUntil: '2026-11-25T08:00:15.000Z' }), lostWait],
    ['a lost answer whose write landed → nothing', 'move', actual({ binding: ours, lostAnswerUntil: '2026-11-25T08:00:15.000Z' }), steps([])],
    ['a lost answer past its grace → write again', 'move', actual({ lostAnswerUntil: '2026-11-25T07:59:59.000Z' }), steps([{ kind: 'move', to: 'me' }])],
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
