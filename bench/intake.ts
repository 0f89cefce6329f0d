// Intake benchmark, over the real intake socket and the service as the daemon builds it
// (createService; fake CARP kernel and a fake GRE resource that records when it is asked to converge):
//   - latency from writing a devd line to the first converge call, p50 and p99 over sequential
//     samples, for our path (the line on an open connection) and for the baseline a devd action
//     script gives (one process per event: `nc -N -U <sock>` with the line on stdin), the two
//     interleaved so that both see the same load on a shared machine;
//   - a 10,000-event burst: events per converge round (median of several bursts), and events per
//     second next to the baseline's process-per-event rate.
// Run alone with `npx tsx bench/intake.ts`, or through bench/run.ts.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { configSchema } from '../src/config/schema.js';
import { startIntakeSocket } from '../src/events/intake-socket.js';
import type { DevdEvent } from '../src/control/service-api.js';
import type { Engine } from '../src/engine/engine.js';
import { systemClock } from '../src/host/ports.js';
import { steps, type GreStatus, type Plan, type Resource } from '../src/resources/resource.js';
import { createService } from '../src/service/create.js';
import { FakeCarp, FakeDemotion } from '../test/fakes/carp.js';
import { FakeFlags } from '../test/fakes/flags.js';
import type { BenchResult } from './types.js';

const LATENCY_SAMPLES = 1000;
const BASELINE_SAMPLES = 300;
const BURST_EVENTS = 10_000;
const BURST_CONNECTIONS = 10;
const BURSTS = 5;
const LINE = '!system=CARP subsystem=1@vmx0 type=MASTER\n';

/** A GRE tunnel that is never up: every run converges it, and each converge call is timed. */
class TimedResource implements Resource<string, string, string> {
  readonly id = 'gre:bench0';
  readonly kind = 'gre' as const;
  readonly lane = 'local' as const;
  converges = 0;
  private waiter: ((at: number) => void) | null = null;

  desired(): string {
    return 'up';
  }
  async observe(): Promise<string> {
    return 'down';
  }
  plan(desired: string, actual: string): Plan<string> {
    return steps(desired === actual ? [] : [desired]);
  }
  async apply(): Promise<void> {
    this.converges++;
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.(performance.now());
  }
  describe(step: string): string {
    return `ifconfig bench0 ${step}`;
  }
  status(): GreStatus {
    return { kind: 'gre', interface: 'bench0', mode: 'follow-carp', up: false };
  }
  /** Resolves with the time of the next converge call. */
  nextConverge(): Promise<number> {
    return new Promise((resolve) => (this.waiter = resolve));
  }
}

/** Runs the benchmark and returns its rows (also printed when run alone). */
export async function runIntakeBench(): Promise<BenchResult> {
  const dir = await mkdtemp(join(tmpdir(), 'cf-bench-intake-'));
  const log = pino({ level: 'silent' });
  const config = configSchema.parse({
    node: 'bench',
    carp: { vhids: [{ vhid: 1, interface: 'vmx0' }] },
    settle: { local_ms: 0, provider_ms: 0 },
    reconcile: { period_s: 3600 },
    state_dir: dir,
  });
  const resource = new TimedResource();
  const service = createService(config, {
    clock: systemClock,
    log,
    carp: new FakeCarp().setAll('MASTER'),
    demotion: new FakeDemotion(),
    resources: [resource],
    flags: new FakeFlags(),
    ticker: { every: () => () => undefined },
  });
  const { engine } = service;
  // The daemon's own ServiceApi, with a count of the events it was handed.
  const api = { ...service.api, events: 0, onEvent: (event: DevdEvent) => (api.events++, service.api.onEvent(event)) };
  await service.start();
  const intake = await startIntakeSocket({
    path: join(dir, 'intake.sock'),
    mode: 0o600,
    maxClients: 64,
    idleTimeoutMs: 60_000,
    followed: () => config.carp.vhids,
    api,
    log,
  });

  try {
    const { ours, baseline, baselineMs } = await measureLatencies(intake.path, resource);
    const bursts: Array<{ ratio: number; eventsPerS: number }> = [];
    for (let i = 0; i < BURSTS; i++) bursts.push(await measureBurst(intake.path, resource, api, engine));
    const ratio = median(bursts.map((b) => b.ratio));
    const eventsPerS = median(bursts.map((b) => b.eventsPerS));
    const baselineRate = 1000 / median(baselineMs);
    const [p50, p99, b50, b99] = [percentile(ours, 50), percentile(ours, 99), percentile(baseline, 50), percentile(baseline, 99)];
    return {
      name: 'intake',
      rows: [
        { metric: `devd line → first converge call, p50 (${ours.length} samples; baseline: sh -c <devd action> per event, ${baseline.length})`, value: p50, unit: 'ms', baseline: b50, ratio: b50 / p50 },
        { metric: 'devd line → first converge call, p99', value: p99, unit: 'ms', baseline: b99, ratio: b99 / p99 },
        { metric: `coalescing, ${BURST_EVENTS}-event burst: events per converge round (median of ${BURSTS}; baseline converges per event)`, value: ratio, unit: 'events/round', baseline: 1, ratio },
        { metric: 'burst throughput (ratio = value / baseline)', value: eventsPerS, unit: 'events/s', baseline: baselineRate, ratio: eventsPerS / baselineRate },
      ],
    };
  } finally {
    await intake.close();
    await service.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Latency samples for our path (one open connection, one line at a time, each waiting for its
 * converge call) interleaved with the baseline's (a new `sh -c <action>` per event, as devd runs
 * an action), so that both see the same machine load. Also returns each baseline event's total cost.
 */
async function measureLatencies(path: string, resource: TimedResource): Promise<{ ours: number[]; baseline: number[]; baselineMs: number[] }> {
  const socket = await open(path);
  const ours: number[] = [];
  const baseline: number[] = [];
  const baselineMs: number[] = [];
  const warmup = 50;
  const every = Math.ceil(LATENCY_SAMPLES / BASELINE_SAMPLES);
  for (let i = 0; i < LATENCY_SAMPLES + warmup; i++) {
    const converged = resource.nextConverge();
    const t0 = performance.now();
    socket.write(LINE);
    const t1 = await converged;
    if (i < warmup) continue; // JIT warm-up
    ours.push(t1 - t0);
    if (i % every === 0 && baseline.length < BASELINE_SAMPLES) {
      const sample = await spawnPerEvent(path, resource);
      baseline.push(sample.latency);
      baselineMs.push(sample.total);
    }
  }
  while (baseline.length < BASELINE_SAMPLES) {
    const sample = await spawnPerEvent(path, resource);
    baseline.push(sample.latency);
    baselineMs.push(sample.total);
  }
  socket.end();
  return { ours, baseline, baselineMs };
}

/**
 * What devd does for every event with an action rule: devd.cc's my_system() forks and runs
 * `/bin/sh -c <action>` (freebsd-src sbin/devd/devd.cc), here with the forwarding action of
 * devd/carp-failover.conf. This is the per-event process cost every notify-script design pays.
 */
async function spawnPerEvent(path: string, resource: TimedResource): Promise<{ latency: number; total: number }> {
  const converged = resource.nextConverge();
  const t0 = performance.now();
  const action = `printf '%s\\n' '${LINE.trim()}' | nc -N -U ${path}`;
  const child = execFile('/bin/sh', ['-c', action]);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const latency = (await converged) - t0;
  await exited;
  return { latency, total: performance.now() - t0 };
}

/** BURST_EVENTS lines over BURST_CONNECTIONS connections at once; counts converge rounds. */
async function measureBurst(path: string, resource: TimedResource, api: { events: number }, engine: Engine): Promise<{ ratio: number; eventsPerS: number }> {
  const sockets = await Promise.all(Array.from({ length: BURST_CONNECTIONS }, () => open(path)));
  const eventsBefore = api.events;
  const roundsBefore = resource.converges;
  const perConnection = LINE.repeat(BURST_EVENTS / BURST_CONNECTIONS);
  const t0 = performance.now();
  for (const socket of sockets) socket.end(perConnection);
  while (api.events - eventsBefore < BURST_EVENTS) await new Promise((r) => setImmediate(r));
  const delivered = performance.now();
  await engine.reconcileNow(); // waits for the run in flight; this extra run is not counted below
  const rounds = resource.converges - roundsBefore - 1;
  return { ratio: BURST_EVENTS / Math.max(1, rounds), eventsPerS: BURST_EVENTS / ((delivered - t0) / 1000) };
}

function open(path: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ path }, () => resolve(socket));
    socket.once('error', reject);
  });
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function median(values: number[]): number {
  return percentile(values, 50);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await runIntakeBench();
  console.log('| metric | value | baseline (same run) | ratio |');
  console.log('|---|---|---|---|');
  for (const row of result.rows) {
    const baseline = row.baseline === undefined ? '' : `${row.baseline.toPrecision(3)} ${row.unit}`;
    console.log(`| ${row.metric} | ${row.value.toPrecision(3)} ${row.unit} | ${baseline} | ${row.ratio?.toPrecision(3) ?? ''}× |`);
  }
}
