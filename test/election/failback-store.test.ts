// failback.json on a real disk: what a restart reads back, and what an unreadable file does
// (the hold fails closed: the node holds rather than fail back unasked).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FailbackHold } from '../../src/election/failback-hold.js';
import { FailbackStore, parseFailback } from '../../src/election/failback-store.js';
import { FakeClock } from '../fakes/clock.js';
import { captureLogger } from '../fakes/logger.js';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cfe-failback-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function hold(config = { mode: 'hold' as const, hold_s: 60 }) {
  const events: string[] = [];
  const clock = new FakeClock();
  const logger = captureLogger('info');
  const h = new FailbackHold({ store: new FailbackStore(dir), clock, log: logger.log, config: () => config, onEvent: (e) => events.push(`${e.type}: ${e.reason}`) });
  return { h, events, clock, logger };
}

describe('FailbackStore and FailbackHold on disk', () => {
  it('a hold armed by one process is the next one\'s, with its countdown', async () => {
    const first = hold();
    expect(await first.h.afterRun({ role: 'MASTER', draining: false, otherHeld: [], foreignDemotion: false, firstRun: true })).toEqual({ held: false, wakeAt: null });
    const armed = await first.h.afterRun({ role: 'BACKUP', draining: false, otherHeld: ['path'], foreignDemotion: false, firstRun: false });
    expect(armed.held).toBe(true);
    await first.clock.advance(5000);
    const ready = await first.h.afterRun({ role: 'BACKUP', draining: false, otherHeld: [], foreignDemotion: false, firstRun: false });
    expect(ready).toEqual({ held: true, wakeAt: first.clock.now() + 60_000 });
    expect(JSON.parse(readFileSync(join(dir, 'failback.json'), 'utf8'))).toEqual({
      version: 1,
      leader: false,
      hold: { since: first.clock.now() - 5000, reason: 'lost MASTER while demoted for path', readySince: first.clock.now() },
    });

    const second = hold();
    const after = await second.h.afterRun({ role: 'BACKUP', draining: false, otherHeld: ['boot'], foreignDemotion: false, firstRun: true });
    expect(after).toEqual({ held: true, wakeAt: ready.wakeAt });
    expect(second.h.status(240)).toMatchObject({ state: 'holding', reason: 'lost MASTER while demoted for path', demotion: 240 });
    expect(await second.h.release()).toBe(true);
    expect(parseFailback(readFileSync(join(dir, 'failback.json'), 'utf8'))).toEqual({ version: 1, leader: false, hold: null });
    expect(second.events).toEqual(['released: released by the operator (carp-failover release)']);
  });

  it('remembers that this node led, so a crash or reboot arms the hold at the next start', async () => {
    const first = hold();
    await first.h.afterRun({ role: 'MASTER', draining: false, otherHeld: [], foreignDemotion: false, firstRun: true });
    const second = hold();
    const after = await second.h.afterRun({ role: 'BACKUP', draining: false, otherHeld: ['boot'], foreignDemotion: false, firstRun: true });
    expect(after.held).toBe(true);
    expect(second.events).toEqual(['armed: this node was MASTER when the service last ran (crash, reboot or restart)']);
  });

  it.each([
    ['garbage', 'not json {'],
    ['a wrong shape', JSON.stringify({ version: 1, leader: 'yes', hold: null })],
    ['a negative time', JSON.stringify({ version: 1, leader: false, hold: { since: -1, reason: 'x', readySince: null } })],
  ])('an unreadable record (%s) fails closed: held, said loudly, the file left for the operator', async (_name, text) => {
    writeFileSync(join(dir, 'failback.json'), text);
    const { h, logger } = hold();
    const decision = await h.afterRun({ role: 'BACKUP', draining: false, otherHeld: ['boot'], foreignDemotion: false, firstRun: true });
    expect(decision.held).toBe(true);
    expect(h.status(240)).toMatchObject({ state: 'waiting', reason: expect.stringContaining('not a fail-back record') });
    expect(logger.lines.some((l) => l.level === 50 && String(l.msg).includes('cannot read the fail-back record'))).toBe(true);
    expect(readFileSync(join(dir, 'failback.json.bad'), 'utf8')).toBe(text);
    expect(parseFailback(readFileSync(join(dir, 'failback.json'), 'utf8'))?.hold).not.toBeNull();
  });

  it('parseFailback takes only what it wrote', () => {
    expect(parseFailback('{"version":1,"leader":true,"hold":null}')).toEqual({ version: 1, leader: true, hold: null });
    expect(parseFailback('{"version":2,"leader":true,"hold":null}')).toBeNull();
    expect(parseFailback(JSON.stringify({ version: 1, leader: false, hold: { since: 1, reason: 'x'.repeat(501), readySince: null } }))).toBeNull();
  });
});
