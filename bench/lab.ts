// The lab benchmark (issue 8): the outage from MASTER loss (router a's ucarp stopped) to the first
// ping reply through router b, median of RUNS failovers, with its breakdown, for the service
// (one carp-failover per router) and, in the same run and the same lab, for a devd-style script
// started once per CARP event doing the same work (bench/per-event-script.ts); each with the OVH
// mock's move task taking 0 s and a compressed realistic time. `npx tsx bench/lab.ts` alone, or
// through bench/run.ts (`npm run bench -- lab`). Needs root, FRR, ucarp and a build (dist/).
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { frrUnavailable, netnsUnavailable } from '../test/support/env.js';
import { carpEngineUnavailable } from '../test/lab/keepalived.js';
import { startLabOvh, type LabOvh } from '../test/lab/ovh.js';
import { PingProbe, firstReplyFrom } from '../test/lab/ping.js';
import { ADVBASE, IPFO, ROUTER_IDS, type RouterId } from '../test/lab/plan.js';
import { ipfoBinding, tunnelUp } from '../test/lab/scenario-helpers.js';
import { BIN, servicesSettled, startService, type LabService } from '../test/lab/services.js';
import { Timeline } from '../test/lab/timeline.js';
import { startLab, type LabRun } from '../test/lab/up.js';
import { waitFor } from '../test/lab/wait.js';
import { failoverOnce, type Cycle, type Sample } from './lab-measure.js';
import { installPerEvent, perEventLog, readLog } from './lab-per-event.js';
import { labRows, type ModeResult } from './lab-rows.js';
import type { BenchResult } from './types.js';

const RUNS = Number(process.env.CFL_BENCH_RUNS ?? 5);
/**
 * The realistic move task, compressed: docs/ovh.md reports about a minute for a real move, which
 * would make 2 × RUNS × 2 modes of failovers last over half an hour; 5 s keeps the task the
 * dominant step (longer than CARP's ~3.4 s detection) while the whole bench stays near 5 min.
 */
const REALISTIC_TASK_MS = Number(process.env.CFL_BENCH_TASK_MS ?? 5000);
const TASKS_MS = [0, REALISTIC_TASK_MS];
/**
 * Task polls 2.5 s apart and a verification a minute (the default) for both architectures. The
 * bench fails over every ~15 s, a pace no router sees, and with 1 s polls the service spent its
 * client's budget of 40 calls a minute and delayed a claim by 11 s. The poll interval does not
 * change the outage: the mock routes the IP when the task is done, not when it is polled.
 */
const TASK_POLL_MS = 2500;
// No settle delay: the per-event baseline has none either, so only the architecture differs
// (an operator's settle times add to the outage exactly as configured: docs/configuration.md).
const SERVICE_OVERRIDES = { settle: { local_ms: 0, provider_ms: 0 }, ovh: { task_poll_ms: TASK_POLL_MS, verify_period_s: 60 } };

const log = (line: string) => process.stderr.write(`[lab bench] ${line}\n`);
const other = (id: RouterId): RouterId => (id === 'ra' ? 'rb' : 'ra');

/** Why the lab bench cannot run here, or null. */
export function labBenchUnavailable(): string | null {
  return netnsUnavailable() ?? frrUnavailable() ?? carpEngineUnavailable() ?? (existsSync(BIN) ? null : `${BIN} is missing: npx tsc -p tsconfig.json`);
}

/** Both routers' local resources and the mock's binding follow `master`, no task pending. */
function dataPathFollows(ovh: LabOvh, master: RouterId): boolean {
  return ipfoBinding(ovh) === master && !ovh.mock.state.pendingTaskFor(`${IPFO}/32`) && tunnelUp(master) && !tunnelUp(other(master));
}

/** The bench run by bench/run.ts: one lab, both architectures, both task times, one table. */
export async function runLabBench(): Promise<BenchResult[]> {
  const blocked = labBenchUnavailable();
  if (blocked) throw new Error(`lab bench cannot run: ${blocked}`);
  const started = Date.now();
  const run = await startLab({ log });
  const up = Date.now();
  try {
    const modes = await measureAll(run);
    const s = (ms: number) => `${(ms / 1000).toFixed(0)} s`;
    log(`done in ${s(Date.now() - started)}: ${s(up - started)} waiting for the lab lock and bringing the lab up, ${s(Date.now() - up)} measuring`);
    return [{ name: 'lab', rows: labRows(modes, { advskew: run.routers.rb.carp.advskew, advbaseS: ADVBASE, engine: 'keepalived' }, RUNS) }];
  } catch (error) {
    diagnose(run);
    throw error;
  } finally {
    if (process.env.CFL_BENCH_LOGS) keepLogs(run, process.env.CFL_BENCH_LOGS);
    run.lab.teardown();
  }
}

/** The CARP events and each router's logs, printed when a run fails. */
function diagnose(run: LabRun): void {
  const tail = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8').trim().split('\n').slice(-15).join('\n') : '(none)');
  log(`CARP events:\n${tail(run.eventsFile)}`);
  for (const id of ROUTER_IDS) {
    log(`${id} service log:\n${tail(join(run.routers[id].files.root, 'service.log'))}`);
    log(`${id} per-event log:\n${tail(perEventLog(run.routers[id]))}`);
  }
}

/** Copies the CARP events and every service/handler log to `dir` before teardown removes them. */
function keepLogs(run: LabRun, dir: string): void {
  mkdirSync(dir, { recursive: true });
  copyFileSync(run.eventsFile, join(dir, 'carp-events.log'));
  for (const id of ROUTER_IDS) {
    for (const name of ['service.log', 'per-event.log']) {
      const path = join(run.routers[id].files.root, name);
      if (existsSync(path)) copyFileSync(path, join(dir, `${id}-${name}`));
    }
  }
  log(`logs kept in ${dir}`);
}

async function measureAll(run: LabRun): Promise<ModeResult[]> {
  const timeline = new Timeline(run.lab, run.eventsFile, run.upstream);
  timeline.start();
  const ovh = await startLabOvh(run.lab, timeline, 0);
  const ping = new PingProbe(run.lab);
  ping.start();
  const modes: ModeResult[] = [];

  const services = {} as Record<RouterId, LabService>;
  for (const id of ROUTER_IDS) services[id] = await startService(run.lab, run.routers[id], ovh.endpoints[id], 10_000, SERVICE_OVERRIDES);
  const serviceCycle: Cycle = {
    run, timeline, ping, ovh,
    logs: { ra: services.ra.logFile, rb: services.rb.logFile },
    settled: (master) => waitFor(`services settled with ${master} MASTER`, 60_000, () => dataPathFollows(ovh, master) && servicesSettled(Object.values(services)), 250).then(() => undefined),
  };
  log('services started; waiting for boot hold-down, one MASTER, all in sync');
  await serviceCycle.settled('ra', 0);
  await waitFor('ping replies through ra', 20_000, () => firstReplyFrom(ping.replies, 'ra', Date.now() - 1000));
  for (const taskMs of TASKS_MS) modes.push(await measureMode(serviceCycle, ovh, 'service', taskMs));

  for (const s of Object.values(services)) await s.stop();
  const logs = installPerEvent(run.lab.dir, run.routers, ovh.endpoints, TASK_POLL_MS);
  const scriptCycle: Cycle = {
    run, timeline, ping, ovh, logs,
    settled: async (master, since) => {
      const failed = await waitFor(`per-event handlers done with ${master} MASTER`, 60_000, () => {
        const failure = ROUTER_IDS.flatMap((id) => readLog(logs[id], since)).find((l) => l.msg === 'event failed');
        if (failure) return `handler failed: ${String(failure.entry.error)}`;
        const done = (id: RouterId, state: string) => readLog(logs[id], since).some((l) => l.msg === 'event done' && l.entry.state === state);
        return done(master, 'MASTER') && done(other(master), 'BACKUP') && dataPathFollows(ovh, master) ? 'ok' : null;
      }, 100);
      if (failed !== 'ok') throw new Error(failed);
    },
  };
  log('services stopped; the ucarp scripts now start bench/per-event-script.ts once per CARP event');
  for (const taskMs of TASKS_MS) modes.push(await measureMode(scriptCycle, ovh, 'per-event script', taskMs));
  ping.stop();
  timeline.stop();
  return modes;
}

async function measureMode(cycle: Cycle, ovh: LabOvh, architecture: ModeResult['architecture'], taskMs: number): Promise<ModeResult> {
  ovh.mock.state.durations.doingMs = taskMs;
  const samples: Sample[] = [];
  for (let i = 1; i <= RUNS; i++) {
    const sample = await failoverOnce(cycle);
    samples.push(sample);
    log(`${architecture}, OVH task ${taskMs / 1000} s, run ${i}/${RUNS}: ${JSON.stringify(sample)}`);
  }
  return { architecture, taskMs, samples };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  runLabBench().then(
    (results) => {
      for (const row of results[0]!.rows) console.log(`${row.metric}: ${row.value} ${row.unit}${row.baseline === undefined ? '' : ` (baseline ${row.baseline}, ratio ${row.ratio})`}`);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
