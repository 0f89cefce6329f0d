// End to end, strategy vmac (each router its own vMAC; the IPFO re-bound by a delete task, then
// an add task): OVH refuses an IP on two vMACs, so between the delete's end and the add's end
// the IPFO is bound nowhere and that window cannot be avoided (docs/ovh.md). Issue 13: a drain's
// and an undrain's longest ping gap is at most the add task + 100 ms, here with tasks of 0 s and 5 s.
import { describe, expect, it } from 'vitest';
import { openGoalSkipped } from './goals.js';
import { frrUnavailable, netnsUnavailable, skipReason } from '../support/env.js';
import { scenarioForFileWithPing } from './file-scenario.js';
import { carpEngineUnavailable } from './keepalived.js';
import { measureDrain } from './measure.js';
import { writesBy } from './scenario-helpers.js';
import { waitFor } from './wait.js';

const skip = skipReason('lab e2e: vmac', netnsUnavailable(), frrUnavailable(), carpEngineUnavailable()) !== null;

/** What the gap may exceed the add task by (issue 13). */
const SLACK_MS = 100;

describe.skipIf(skip || openGoalSkipped('vmac drain/undrain gaps'))('lab e2e: vmac, the IPFO re-bound by two OVH tasks', () => {
  const { scenario, ping } = scenarioForFileWithPing({ strategy: 'vmac' });

  for (const taskMs of [0, 5000]) {
    it(`OVH tasks of ${taskMs / 1000} s: drain and undrain gaps ≤ the add task + ${SLACK_MS} ms`, async () => {
      const s = scenario();
      await waitFor('ping replies through ra', 10_000, () => ping().last()?.router === 'ra');
      s.ovh.mock.state.durations.doingMs = taskMs;
      const since = Date.now();
      const { drain, undrain } = await measureDrain(s, ping(), 'ra', { followMs: 60_000 + 4 * taskMs });
      const writes = (['ra', 'rb'] as const).flatMap((id) => writesBy(s.ovh, id, since).map((w) => `${id} ${w.method} ${w.route}`));
      console.log(`vmac, task ${taskMs} ms: drain gap ${drain.longestGap} ms (lost ${drain.lost}), undrain gap ${undrain.longestGap} ms (lost ${undrain.lost}); writes ${writes.join(', ')}`);
      expect(drain.longestGap).toBeLessThanOrEqual(taskMs + SLACK_MS);
      expect(undrain.longestGap).toBeLessThanOrEqual(taskMs + SLACK_MS);
    }, 180_000);
  }
});
