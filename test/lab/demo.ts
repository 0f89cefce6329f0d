// `npm run lab`: the demo. Brings the lab up with one strategy's data path (shared-vmac unless
// `--strategy move|vmac` says otherwise; `--task-ms N` makes the mock's OVH tasks take N ms), shows
// both services, then an unplanned failover (the MASTER's CARP stopped), a drain and an undrain,
// each with its timeline, and ends with a table of what the continuous ping from upstream saw.
// Tears everything down, also on Ctrl-C or an error. Options are arguments, which sudo keeps
// (it resets the environment: `sudo npm run lab -- --strategy move`).
import { listNamespaces } from '../support/netns.js';
import { frrUnavailable, netnsUnavailable } from '../support/env.js';
import { printTimeline } from './follow-checks.js';
import { carpEngineUnavailable } from './keepalived.js';
import { measureDrain, measureFailover } from './measure.js';
import { PingProbe, sendRate } from './ping.js';
import { PREFIX, ROUTER_IDS, STRATEGIES, carpDetectionMs, type Strategy } from './plan.js';
import { startScenario } from './scenario-helpers.js';
import { statusText } from './services.js';
import { waitFor } from './wait.js';

const t0 = Date.now();
const say = (line: string) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(5)}s] ${line}`);

/** The demo's options from its arguments (and CFL_LAB_TASK_MS, kept for a shell without sudo). */
export function demoOptions(argv: readonly string[]): { strategy: Strategy; taskMs: number } {
  let strategy: Strategy = 'shared-vmac';
  let taskMs = Number(process.env.CFL_LAB_TASK_MS ?? 0);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = argv[i + 1];
    if (arg === '--strategy' && STRATEGIES.includes(value as Strategy)) strategy = value as Strategy;
    else if (arg === '--task-ms' && /^\d+$/.test(value ?? '')) taskMs = Number(value);
    else throw new Error(`unknown or bad option ${arg} ${value ?? ''}: use --strategy ${STRATEGIES.join('|')} and --task-ms N`);
    i++;
  }
  return { strategy, taskMs };
}

async function main(): Promise<number> {
  const { strategy, taskMs } = demoOptions(process.argv.slice(2));
  const blocked = netnsUnavailable() ?? frrUnavailable() ?? carpEngineUnavailable();
  if (blocked) {
    console.error(`lab: cannot run: ${blocked}`);
    return 1;
  }
  say(`bringing the lab up: strategy ${strategy}, OVH tasks of ${taskMs} ms, keepalived as CARP, FRR, two carp-failover services`);
  const s = await startScenario({ strategy, taskMs });
  try {
    for (const id of ROUTER_IDS) console.log(`\n${s.services[id].router.plan.node}:\n${statusText(s.services[id]) ?? '(no status)'}`);
    const ping = new PingProbe(s.run.lab);
    ping.start();
    await waitFor('ping replies through ra', 10_000, () => ping.last()?.router === 'ra');
    say('unplanned failover: stopping ra\'s CARP at a random point of its advertisement interval');
    const failover = await measureFailover(s, ping, 'ra', { followMs: 2 * taskMs + 60_000 });
    printTimeline(s, 'failover ra → rb', failover.lostAt, failover.lostAt + failover.outageFromAdvertisement + 3000);
    say('planned: carp-failover drain --wait on ra, then undrain');
    const { drain, undrain } = await measureDrain(s, ping, 'ra', { followMs: 2 * taskMs + 60_000 });
    printTimeline(s, 'drain of ra', drain.startedAt, drain.startedAt + drain.settledAfter);
    printTimeline(s, 'undrain of ra', undrain.startedAt, undrain.startedAt + undrain.settledAfter);
    ping.stop();
    const detection = carpDetectionMs(s.run.routers.rb.carp.advskew);
    console.log(`\n${strategy}, OVH tasks ${taskMs / 1000} s — ping from upstream to the IPFO: ${ping.sent} sent, ${sendRate(ping.replies).toFixed(0)}/s (not the 100/s its -i 0.01 asks for)`);
    console.log('| move | outage | lost pings | OVH writes |');
    console.log('|---|---|---|---|');
    console.log(`| failover (CARP stopped) | ${failover.outageFromAdvertisement} ms from the last advertisement: CARP's detection ${detection.toFixed(0)} ms + ${failover.overDetection.toFixed(0)} ms | - | ${failover.ovhWrites} |`);
    console.log(`| drain | longest gap ${drain.longestGap} ms | ${drain.lost} | - |`);
    console.log(`| undrain | longest gap ${undrain.longestGap} ms | ${undrain.lost} | - |`);
    return 0;
  } catch (error) {
    console.log(s.diagnose());
    throw error;
  } finally {
    s.teardown();
    await s.run.lab.reaped(); // no zombie keepalived, FRR or ping left behind when the demo returns
    const left = listNamespaces(PREFIX);
    say(left.length ? `teardown: LEFT BEHIND ${left.join(' ')}` : 'teardown: namespaces, processes and temp dir removed');
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`lab: ${(error as Error).stack ?? String(error)}`);
    process.exit(1);
  },
);
