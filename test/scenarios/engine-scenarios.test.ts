import { afterEach, describe, expect, it } from 'vitest';
import { makeHarness, type Harness } from '../engine/support/harness.js';
import { scenarios } from './failover.scenarios.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.dispose();
  h = undefined;
});

describe('failover scenarios', () => {
  it.each(scenarios.map((s) => [s.name, s] as const))('%s', async (_name, scenario) => {
    h = makeHarness({ initialRole: 'BACKUP', ...(scenario.config ? { config: scenario.config } : {}) });
    const harness = h;
    harness.carp.setAll(scenario.initial.carp);
    if (scenario.initial.gre) harness.gre.actual = scenario.initial.gre;
    if (scenario.initial.ospf) harness.ospf.actual = scenario.initial.ospf;
    if (scenario.initial.ovh) harness.ovh.actual = scenario.initial.ovh;
    const t0 = harness.clock.now();
    await harness.engine.start();
    for (const event of [...scenario.events].sort((a, b) => a.at - b.at)) {
      await harness.clock.advance(t0 + event.at - harness.clock.now());
      if (event.carp) harness.carp.setAll(event.carp);
      if (event.drain !== undefined) harness.flags.drain = event.drain;
      if (event.freeze !== undefined) harness.flags.freeze = event.freeze;
      if (event.greFailures) harness.gre.failApplies = event.greFailures;
      if (event.event) harness.engine.requestReconcile('scenario');
    }
    await harness.clock.advance(t0 + scenario.until - harness.clock.now());
    expect(harness.world.applies().map((c) => [c.t - t0, `${c.id} ${c.step}`])).toEqual(scenario.expect.applies);
    expect(harness.world.applies((c) => c.kind === 'ovh' && !c.master)).toEqual([]);
    expect(harness.engine.status().role).toBe(scenario.expect.role);
    if (scenario.expect.demotion) expect(harness.demotion.ours).toMatchObject(scenario.expect.demotion);
  });
});
