// The bench's baseline: a devd-style handler, one process per CARP event, doing the same work
// as the service (ifconfig gre up/down, the OSPF costs through vtysh, the OVH claim through the
// same client and the same API calls) but with no daemon: nothing kept between events, no
// settle, no re-observation. The lab's stand-in server starts it on each CARP transition (RouterFiles.eventHook).
//   node per-event-script.js <config.json> MASTER|BACKUP
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { createHost } from '../src/host/run.js';
import { systemClock } from '../src/host/ports.js';
import { validateInterfaceName } from '../src/host/validate.js';
import { createLogger } from '../src/logging.js';
import { OvhClient } from '../src/ovh/client.js';
import { loadOvhCredentials } from '../src/ovh/credentials.js';
import { PENDING } from '../src/resources/failover-ip/model.js';
import { MoveStrategy } from '../src/resources/failover-ip/strategies.js';

/** What the bench writes for each router (bench/lab-per-event.ts). */
export interface PerEventConfig {
  ifconfig: string;
  greIf: string;
  vtysh: string;
  vtySocket: string;
  /** OSPF interfaces whose cost follows the role. */
  ospfInterfaces: string[];
  cost: { master: number; backup: number };
  ovh: { credentials: string; baseUrl: string; ip: string; service: string; taskPollMs: number; taskTimeoutS: number };
}

async function main(): Promise<void> {
  const [configPath, state] = process.argv.slice(2);
  if (!configPath || (state !== 'MASTER' && state !== 'BACKUP')) throw new Error('usage: per-event-script <config.json> MASTER|BACKUP');
  const started = Date.now();
  const log = createLogger('info');
  log.info({ state, pid: process.pid }, 'event start');
  const cfg = JSON.parse(readFileSync(configPath, 'utf8')) as PerEventConfig;
  const greIf = validateInterfaceName(cfg.greIf);
  const ospfIfs = cfg.ospfInterfaces.map(validateInterfaceName);
  const host = createHost({ allowed: [cfg.ifconfig, cfg.vtysh], defaultTimeoutMs: 5000 });
  const run = async (argv: string[]) => {
    const result = await host.run(argv);
    if (result.exitCode !== 0) throw new Error(`${argv.join(' ')} exited ${result.exitCode}: ${result.stderr.trim()}`);
  };
  const setCost = async (cost: number) => {
    const commands = ['configure terminal', ...ospfIfs.flatMap((i) => [`interface ${i}`, `ip ospf cost ${cost}`])];
    await run([cfg.vtysh, '--vty_socket', cfg.vtySocket, ...commands.flatMap((c) => ['-c', c])]);
    for (const i of ospfIfs) log.info({ interface: i, cost }, 'ospf cost set');
  };
  if (state === 'MASTER') {
    await run([cfg.ifconfig, greIf, 'up']);
    log.info({ interface: greIf }, 'tunnel up');
    await setCost(cfg.cost.master);
    await claim(cfg, log);
  } else {
    await setCost(cfg.cost.backup);
    await run([cfg.ifconfig, greIf, 'down']);
    log.info({ interface: greIf }, 'tunnel down');
  }
  log.info({ state, ms: Date.now() - started }, 'event done');
}

/** The resource's claim, inline: read the binding, wait out pending tasks, move, poll, re-read. */
async function claim(cfg: PerEventConfig, log: Logger): Promise<void> {
  const o = cfg.ovh;
  const credentials = await loadOvhCredentials(o.credentials);
  const client = new OvhClient({ credentials, baseUrl: o.baseUrl, timeoutMs: 10_000, clock: systemClock, log: log.child({ component: 'ovh' }) });
  const strategy = new MoveStrategy(client, { ip: o.ip, strategy: 'move', service: o.service });
  const signal = AbortSignal.timeout(o.taskTimeoutS * 1000);
  if ((await strategy.readBinding(signal)).target === strategy.ours) {
    log.info({ ip: o.ip }, 'ovh binding already here');
    return;
  }
  for (const taskId of await strategy.pendingTaskIds(signal)) await waitTask(strategy, taskId, o.taskPollMs, signal);
  let task = await strategy.write({ kind: 'move', target: strategy.ours }, signal);
  log.info({ ip: o.ip, taskId: task.taskId }, 'ovh claim sent');
  task = await waitTask(strategy, task.taskId, o.taskPollMs, signal);
  const after = await strategy.readBinding(signal);
  log.info({ ip: o.ip, taskId: task.taskId, status: task.status, ours: after.target === strategy.ours }, 'ovh task ended');
}

async function waitTask(strategy: MoveStrategy, taskId: number, pollMs: number, signal: AbortSignal) {
  for (;;) {
    const task = await strategy.readTask(taskId, signal);
    if (!PENDING.has(task.status)) return task;
    await sleep(pollMs, undefined, { signal });
  }
}

main().catch((error: unknown) => {
  console.error(JSON.stringify({ msg: 'event failed', error: (error as Error).message, time: new Date().toISOString() }));
  process.exit(1);
});
