// "A plan is actions": waiting for an OVH task, the re-claim hold and blocked are outcomes, never
// steps. A MASTER claims the failover IP through OVH tasks that take seconds (polled many times):
// its journal holds the writes and the local commands only, and lastChangeAt is the last write.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JOURNAL_FILE } from '../../src/status/journal.js';
import { IP } from '../ovh-mock/fixtures.js';
import { makeWorld, resource, type World } from '../blue-green/rig.js';
import { CLAIM_WRITES } from '../blue-green/two-routers.js';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const OVH_STEP: Record<'vmac' | 'move', RegExp> = {
  vmac: new RegExp(`^(remove|add) ${IP.replace(/[./]/g, '\\$&')} (from|to) vMAC [0-9a-f:]{17}$`),
  move: new RegExp(`^POST /ip/${IP.replace(/[./]/g, '\\$&')}/move to \\S+$`),
};

describe.each(['vmac', 'move'] as const)('journal (%s)', (strategy) => {
  it('records only actions: the claim writes and local commands, not the polls of the task in between', async () => {
    const w = (world = await makeWorld({ strategy, boundTo: 'b', master: 'a' }));
    const a = await w.node('a');
    await a.engine.start();
    await w.run(40_000);
    expect(w.binding()).toBe(w.target('a'));
    const writes = w.ovhWrites('a');
    expect(writes.map((r) => `${r.method} ${r.route}`)).toEqual(CLAIM_WRITES[strategy]);
    // The tasks took 8 s each and were polled every task_poll_ms: many looks, no step for them.
    const polls = w.mock.requests.filter((r) => r.method === 'GET' && (r.route ?? '').endsWith('/task/{taskId}'));
    expect(polls.length).toBeGreaterThan(CLAIM_WRITES[strategy].length);

    await a.stop();
    const entries = readFileSync(join(a.config.state_dir, JOURNAL_FILE), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    const steps = entries.filter((e) => e.type === 'step');
    const ovhSteps = steps.filter((e) => e.resource === `ovh:${IP}`);
    expect(ovhSteps.map((e) => e.outcome)).toEqual(CLAIM_WRITES[strategy].map(() => 'ok'));
    for (const step of ovhSteps) expect(step.step).toMatch(OVH_STEP[strategy]);
    for (const step of steps) expect(step.step).not.toMatch(/wait|hold|cannot claim|missing/i);
    // lastChangeAt is the last write, not the last time the task was looked at.
    const lastWriteAt = Math.max(...writes.map((r) => r.at));
    expect(Date.parse(resource(a.report(), 'ovh').lastChangeAt!)).toBe(lastWriteAt);
  });
});
