// The fail-back decision, pure, as a table: what arms a hold, what a ready node waits for, what
// ends it. Each row is one run's input against the record it starts from.
import { describe, expect, it } from 'vitest';
import { decideFailback, NO_FAILBACK, type FailbackInput, type FailbackRecord } from '../../src/election/failback.js';

const T = 1_800_000_000_000;
const HOLD_MS = 300_000;
const LEADER: FailbackRecord = { version: 1, leader: true, hold: null };
const ARMED: FailbackRecord = { version: 1, leader: false, hold: { since: T - 60_000, reason: 'lost MASTER while demoted for path', readySince: null } };
const READY: FailbackRecord = { version: 1, leader: false, hold: { since: T - 60_000, reason: 'lost MASTER while demoted for path', readySince: T - 10_000 } };

function input(over: Partial<FailbackInput> = {}): FailbackInput {
  return { mode: 'hold', holdMs: HOLD_MS, role: 'BACKUP', draining: false, otherHeld: [], foreignDemotion: false, firstRun: false, now: T, ...over };
}

type Row = [string, FailbackRecord, Partial<FailbackInput>, { held: boolean; readySince?: number | null; events: string[]; wakeAt?: number | null; leader?: boolean }];

const rows: Row[] = [
  ['MASTER: remembered as leader, nothing held', NO_FAILBACK, { role: 'MASTER' }, { held: false, events: [], leader: true }],
  ['lost MASTER while path demoted: armed, not ready yet', LEADER, { otherHeld: ['path'] }, { held: true, readySince: null, events: ['armed'] }],
  ['lost MASTER while readiness held: armed', LEADER, { otherHeld: ['readiness'] }, { held: true, readySince: null, events: ['armed'] }],
  ['lost MASTER to the kernel (link down demotion): armed and ready at once', LEADER, { foreignDemotion: true }, { held: true, readySince: T, events: ['armed', 'ready'], wakeAt: T + HOLD_MS }],
  ['lost MASTER with a vhid INIT: armed', LEADER, { role: 'INIT' }, { held: true, readySince: T, events: ['armed', 'ready'] }],
  ['lost MASTER with vhids disagreeing: armed', LEADER, { role: 'MIXED' }, { held: true, readySince: T, events: ['armed', 'ready'] }],
  ['started after leading (crash, reboot): armed', LEADER, { firstRun: true, otherHeld: ['boot'] }, { held: true, readySince: null, events: ['armed'] }],
  ['preempted by a better peer, healthy: not a failure', LEADER, {}, { held: false, events: [], leader: false }],
  ['lost MASTER during a drain: nothing held', LEADER, { draining: true, otherHeld: ['maintenance'] }, { held: false, events: [] }],
  ['drained while held: the drain takes over, the hold is dropped', READY, { draining: true, otherHeld: ['maintenance'] }, { held: false, events: ['released'] }],
  ['auto: nothing is ever armed', LEADER, { mode: 'auto', otherHeld: ['path'] }, { held: false, events: [] }],
  ['auto after a reload from hold: the hold is dropped', READY, { mode: 'auto' }, { held: false, events: ['released'] }],
  ['armed and now ready: the countdown starts', ARMED, {}, { held: true, readySince: T, events: ['ready'], wakeAt: T + HOLD_MS }],
  ['ready, then the path fails again: the countdown starts over', READY, { otherHeld: ['path'] }, { held: true, readySince: null, events: ['not-ready'], wakeAt: null }],
  ['ready, then a service restart (boot held): the countdown goes on', READY, { otherHeld: ['boot'], firstRun: true }, { held: true, readySince: T - 10_000, events: [], wakeAt: T - 10_000 + HOLD_MS }],
  ['armed, boot held: the countdown has not started', ARMED, { otherHeld: ['boot'] }, { held: true, readySince: null, events: [], wakeAt: null }],
  ['ready for less than hold_s: still held', READY, { now: T - 10_000 + HOLD_MS - 1 }, { held: true, readySince: T - 10_000, events: [], wakeAt: T - 10_000 + HOLD_MS }],
  ['ready for hold_s: released', READY, { now: T - 10_000 + HOLD_MS }, { held: false, events: ['expired'] }],
  ['manual, ready for a day: still held (release only)', READY, { mode: 'manual', now: T + 86_400_000 }, { held: true, readySince: T - 10_000, events: [], wakeAt: null }],
  ['MASTER again while held (the peer died): released', READY, { role: 'MASTER' }, { held: false, events: ['released'], leader: true }],
];

describe('decideFailback', () => {
  it.each(rows)('%s', (_name, record, over, expected) => {
    const decision = decideFailback(record, input(over));
    expect(decision.held).toBe(expected.held);
    expect(decision.events.map((e) => e.type)).toEqual(expected.events);
    if (expected.readySince !== undefined) expect(decision.record.hold?.readySince).toBe(expected.readySince);
    if (expected.wakeAt !== undefined) expect(decision.wakeAt).toBe(expected.wakeAt);
    if (expected.leader !== undefined) expect(decision.record.leader).toBe(expected.leader);
    if (!expected.held) expect(decision.record.hold).toBeNull();
  });

  it('names the failure in the armed event and keeps it in the record', () => {
    const decision = decideFailback(LEADER, input({ otherHeld: ['path', 'readiness'] }));
    expect(decision.events[0]).toEqual({ type: 'armed', reason: 'lost MASTER while demoted for path, readiness' });
    expect(decision.record.hold).toEqual({ since: T, reason: 'lost MASTER while demoted for path, readiness', readySince: null });
  });

  it('never changes the record it is given', () => {
    const record = structuredClone(ARMED);
    decideFailback(record, input());
    expect(record).toEqual(ARMED);
  });
});
