// The lab benchmark: for each strategy (shared-vmac, vmac, move; CFL_BENCH_STRATEGIES to choose)
// and OVH task times of 0 s and 20 s (the mock's), the median of CFL_BENCH_RUNS (default 3)
// unplanned failovers (the MASTER's CARP stopped at a random point of its advertisement interval,
// counted from its last advertisement), drains and undrains, measured by a continuous ping from
// upstream; plus, in the move lab, the per-event script's failovers as the service's baseline
// (bench/per-event-script.ts, started once per CARP event). `--quick` (CFL_BENCH_QUICK=1): one
// run each. `npx tsx bench/lab.ts` alone, or `npm run bench -- lab`. Needs root, FRR, keepalived,
// a C compiler and a build (dist/).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { frrUnavailable, netnsUnavailable } from '../test/support/env.js';
import { carpEngineUnavailable } from '../test/lab/keepalived.js';
import { measureDrain, measureFailover, median } from '../test/lab/measure.js';
import { PingProbe } from '../test/lab/ping.js';
import { ROUTER_IDS, ROUTERS, STRATEGIES, carpDetectionMs, type Strategy } from '../test/lab/plan.js';
import { startScenario, type Scenario } from '../test/lab/scenario-helpers.js';
import { BIN } from '../test/lab/services.js';
import { waitFor } from '../test/lab/wait.js';
import { installPerEvent } from './lab-per-event.js';
import { labRows, type Baseline, type StrategyResult } from './lab-rows.js';
import type { BenchResult } from './types.js';

const QUICK = process.argv.includes('--quick') || process.env.CFL_BENCH_QUICK === '1';
const RUNS = QUICK ? 1 : Number(process.env.CFL_BENCH_RUNS ?? 3);
const TASKS_MS = [0, Number(process.env.CFL_BENCH_TASK_MS ?? 20_000)];
const CHOSEN = (process.env.CFL_BENCH_STRATEGIES?.split(',') ?? STRATEGIES) as Strategy[];
/** Task polls 2.5 s apart and a verification a minute: the bench fails over every few seconds. */
const TASK_POLL_MS = 2500;
// No settle delay: the per-event baseline has none either, so only the architecture differs.
const SERVICE_OVERRIDES = { settle: { local_ms: 0, provider_ms: 0 }, ovh: { task_poll_ms: TASK_POLL_MS, verify_period_s: 60 } };

const log = (line: string) => process.stderr.write(`[lab bench] ${line}\n`);

/** Why the lab bench cannot run here, or null. */
export function labBenchUnavailable(): string | null {
  return netnsUnavailable() ?? frrUnavailable() ?? carpEngineUnavailable() ?? (existsSync(BIN) ? null : `${BIN} is missing: npx tsc -p tsconfig.json`);
}

/** Median of 40 calls of a command, ms (a process start included, as on FreeBSD). */
async function callCost(argv: [string, ...string[]]): Promise<number> {
  const run = promisify(execFile);
  const times: number[] = [];
  for (let i = 0; i < 40; i++) {
    const started = performance.now();
    await run(argv[0], argv.slice(1), { env: {} });
    times.push(performance.now() - started);
  }
  return median(times)!;
}

/** One ifconfig stand-in call, and /bin/true's in the same breath (what a process start costs now). */
async function ifconfigCost(s: Scenario): Promise<{ ifconfigMs: number; trueMs: number }> {
  return { ifconfigMs: await callCost([s.run.routers.ra.files.ifconfig, 'vtnet0']), trueMs: await callCost(['/bin/true']) };
}

/** One strategy's lab: every task time, then (move) the per-event baseline. */
async function measureStrategy(strategy: Strategy, facts: { cost: { ifconfigMs: number; trueMs: number } | null }): Promise<{ results: StrategyResult[]; baseline: Baseline | null }> {
  const s = await startScenario({ strategy, taskMs: 0, overrides: SERVICE_OVERRIDES });
  try {
    facts.cost ??= await ifconfigCost(s);
    const ping = new PingProbe(s.run.lab);
    ping.start();
    await waitFor('ping replies through ra', 10_000, () => ping.last()?.router === 'ra');
    const results: StrategyResult[] = [];
    for (const taskMs of TASKS_MS) {
      s.ovh.mock.state.durations.doingMs = taskMs;
      const followMs = 2 * taskMs + 60_000;
      const result: StrategyResult = { strategy, taskMs, failovers: [], drains: [] };
      for (let i = 1; i <= RUNS; i++) {
        result.failovers.push(await measureFailover(s, ping, 'ra', { followMs }));
        log(`${strategy}, task ${taskMs / 1000} s, failover ${i}/${RUNS}: ${JSON.stringify(result.failovers.at(-1))}`);
      }
      for (let i = 1; i <= RUNS; i++) {
        result.drains.push(await measureDrain(s, ping, 'ra', { followMs }));
        log(`${strategy}, task ${taskMs / 1000} s, drain/undrain ${i}/${RUNS}: ${JSON.stringify(result.drains.at(-1))}`);
      }
      results.push(result);
    }
    let baseline: Baseline | null = null;
    if (strategy === 'move') {
      s.ovh.mock.state.durations.doingMs = 0;
      for (const id of ROUTER_IDS) await s.services[id].stop();
      installPerEvent(s.run.lab.dir, s.run.routers, s.ovh.endpoints, TASK_POLL_MS);
      log('services stopped; the stand-in server now starts bench/per-event-script.ts once per CARP event');
      baseline = { failovers: [] };
      for (let i = 1; i <= RUNS; i++) {
        baseline.failovers.push(await measureFailover(s, ping, 'ra', { follow: { services: false, ospfRoute: false } }));
        log(`per-event script, move, task 0 s, failover ${i}/${RUNS}: ${JSON.stringify(baseline.failovers.at(-1))}`);
      }
    }
    ping.stop();
    return { results, baseline };
  } catch (error) {
    log(s.diagnose());
    throw error;
  } finally {
    s.teardown();
  }
}

/** The bench run by bench/run.ts: one lab per strategy, one table. */
export async function runLabBench(): Promise<BenchResult[]> {
  const blocked = labBenchUnavailable();
  if (blocked) throw new Error(`lab bench cannot run: ${blocked}`);
  const started = Date.now();
  const facts = { cost: null as { ifconfigMs: number; trueMs: number } | null };
  const results: StrategyResult[] = [];
  let baseline: Baseline | null = null;
  for (const strategy of CHOSEN) {
    const out = await measureStrategy(strategy, facts);
    results.push(...out.results);
    baseline ??= out.baseline;
    log(`${strategy} done at +${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
  const detectionMs = carpDetectionMs(ROUTERS.rb.advskew);
  return [{ name: 'lab', rows: labRows(results, baseline, { detectionMs, ifconfigMs: facts.cost?.ifconfigMs ?? NaN, trueMs: facts.cost?.trueMs ?? NaN, runs: RUNS }) }];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  runLabBench().then(
    (results) => {
      for (const row of results[0]!.rows) console.log(`${row.id ?? '-'} | ${row.metric}: ${row.value} ${row.unit}${row.baseline === undefined ? '' : ` (baseline ${row.baseline}, ratio ${row.ratio})`}`);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
