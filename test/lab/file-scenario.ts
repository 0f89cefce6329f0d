// The per-file bring-up every e2e scenario starts with: vitest hooks, so kept apart from the
// helpers the lab bench imports outside vitest (where importing vitest throws).
import { afterAll, beforeAll } from 'vitest';
import { PingProbe } from './ping.js';
import { startScenario, type Scenario, type ScenarioOptions } from './scenario-helpers.js';

/** Bring-up, plus waiting for the machine-wide lab lock while another lab file or the bench runs. */
export const LAB_WAIT_MS = 420_000;

/** One scenario for a whole e2e file, so each file does not repeat the hooks: brought up before
 *  its tests (then `onUp`, in the same hook), torn down after them. The getter throws when the
 *  bring-up failed, so a test names that instead of reading a property of undefined. */
export function scenarioForFile(options: ScenarioOptions = {}, onUp: (s: Scenario) => void = () => {}): () => Scenario {
  let scenario: Scenario | undefined;
  beforeAll(async () => {
    scenario = await startScenario(options);
    onUp(scenario);
  }, LAB_WAIT_MS);
  afterAll(() => {
    scenario?.teardown();
  });
  return () => {
    if (scenario === undefined) throw new Error('the lab scenario is not up (see the beforeAll error)');
    return scenario;
  };
}

/** scenarioForFile with a continuous ping from upstream to the IPFO, started once the lab is up:
 *  how the failover and drain scenarios measure the outage each move causes. */
export function scenarioForFileWithPing(options: ScenarioOptions = {}): { scenario: () => Scenario; ping: () => PingProbe } {
  let probe: PingProbe | undefined;
  const scenario = scenarioForFile(options, (s) => {
    probe = new PingProbe(s.run.lab);
    probe.start();
  });
  const ping = (): PingProbe => {
    if (probe === undefined) throw new Error('the ping probe is not running (see the beforeAll error)');
    return probe;
  };
  return { scenario, ping };
}
