// One carp-failover process per router, run from the built project in the ROOT namespace (so both
// reach the OVH mock on 127.0.0.1), its commands pointed at that router's FreeBSD stand-ins and
// its vtysh at that router's FRR instance. Each gets its own config, state dir and sockets.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, existsSync, mkdirSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import type { StatusReport } from '../../src/status/model.js';
import { VTYSH } from './frr.js';
import type { Lab } from './lab.js';
import { HYPERVISOR, IPFO, SHARED_VMAC, VHID, type RouterPlan, type Strategy } from './plan.js';
import type { LabRouter } from './up.js';
import { readStatus } from './readouts.js';
import { waitFor } from './wait.js';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = join(REPO, 'dist', 'cli', 'bin.js');

/** Where the lab's OVH mock listens and the credentials it accepts. */
export interface LabOvhEndpoint {
  baseUrl: string;
  /** How OVH gets the IPFO to the MASTER in this lab (the config's ovh.ips[].strategy). */
  strategy: Strategy;
  applicationKey: string;
  applicationSecret: string;
  consumerKey: string;
}

/** A partial config laid over the lab's defaults, section by section (a scenario's timings). */
export type ConfigOverrides = Record<string, unknown>;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep-merges plain objects; arrays and scalars in `over` replace those in `base`. */
export function mergeConfig(base: Record<string, unknown>, over: ConfigOverrides): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] = isPlainObject(current) && isPlainObject(value) ? mergeConfig(current, value) : value;
  }
  return out;
}

/** The service config for one router (plain data; written as YAML). */
export function serviceConfig(r: LabRouter, ovh: LabOvhEndpoint | null, overrides: ConfigOverrides = {}): Record<string, unknown> {
  return mergeConfig(baseConfig(r, ovh), overrides);
}

function baseConfig(r: LabRouter, ovh: LabOvhEndpoint | null): Record<string, unknown> {
  const p = r.plan;
  const cost = { master: 10, backup: 1000 };
  return {
    node: p.node,
    carp: { vhids: [{ vhid: VHID, interface: p.carpIf }], boot_holddown_max_s: 20 },
    // Short settle times: the lab measures how fast a failover can be, advbase 1.
    settle: { local_ms: 100, provider_ms: 200 },
    reconcile: { period_s: 5, timeout_ms: 20_000, backoff: { initial_ms: 200, max_ms: 5000 } },
    sockets: { intake: { path: r.intakeSocket }, status: { path: r.statusSocket } },
    state_dir: r.stateDir,
    log: { level: 'info' },
    commands: { ifconfig: r.files.ifconfig, sysctl: r.files.sysctl, timeout_ms: 5000 },
    gre: { tunnels: [{ interface: p.greIf, mode: 'follow-carp' }] },
    ospf: {
      vtysh: VTYSH,
      vty_socket: r.frr.dir,
      flavour: 'frr',
      interfaces: [
        { interface: p.greIf, cost, require_neighbors: 0 },
        { interface: p.carpIf, cost },
      ],
    },
    ovh: ovh
      ? {
          credentials: join(r.files.root, 'ovh.conf'),
          base_url: ovh.baseUrl,
          verify_period_s: 10,
          reclaim_min_interval_s: 2,
          reclaim_max_interval_s: 30,
          task_poll_ms: 100,
          task_timeout_s: 30,
          ips: [ipfoConfig(ovh.strategy, p)],
        }
      : { ips: [] },
  };
}

/**
 * The config's ovh.ips[] entry for the IPFO with each strategy (docs/configuration.md): `move` to
 * this router's server; `vmac`, this router's own vMAC on the hypervisor; `shared-vmac`, the one
 * vMAC bound to the IPFO for good, carried by the MASTER on its external interface.
 */
export function ipfoConfig(strategy: Strategy, p: RouterPlan): Record<string, unknown> {
  const ip = `${IPFO}/32`;
  if (strategy === 'move') return { ip, strategy, service: p.service };
  if (strategy === 'vmac') return { ip, strategy, service: HYPERVISOR, vmac: p.vmac, vm_name: p.node };
  return { ip, strategy, service: HYPERVISOR, vmac: SHARED_VMAC, interface: p.extIf, vm_name: p.node };
}

/** Writes the router's config (and OVH credentials, root-only) and returns the config path. */
export function writeServiceConfig(r: LabRouter, ovh: LabOvhEndpoint | null, overrides: ConfigOverrides = {}): string {
  mkdirSync(join(r.files.root, 'run'), { recursive: true });
  mkdirSync(r.stateDir, { recursive: true });
  if (ovh) {
    const creds = join(r.files.root, 'ovh.conf');
    const ini = `[default]\nendpoint=ovh-eu\n\n[ovh-eu]\napplication_key=${ovh.applicationKey}\napplication_secret=${ovh.applicationSecret}\nconsumer_key=${ovh.consumerKey}\n`;
    writeFileSync(creds, ini, { mode: 0o600 });
    chmodSync(creds, 0o600);
  }
  const path = join(r.files.root, 'carp-failover.yaml');
  writeFileSync(path, `# Lab config for ${r.plan.node} (generated by test/lab/services.ts)\n${stringify(serviceConfig(r, ovh, overrides))}`);
  return path;
}

export interface LabService {
  router: LabRouter;
  configPath: string;
  logFile: string;
  child: ChildProcess;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts the service; resolves once its status socket answers, rejects with its log's tail.
 *  The log is appended to, so a restarted service keeps its predecessor's lines. */
export async function startService(lab: Lab, r: LabRouter, ovh: LabOvhEndpoint | null, timeoutMs = 10_000, overrides: ConfigOverrides = {}): Promise<LabService> {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: build first (npx tsc -p tsconfig.json)`);
  const configPath = writeServiceConfig(r, ovh, overrides);
  const logFile = join(r.files.root, 'service.log');
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = lab.track(spawn(process.execPath, [BIN, 'run', '-c', configPath], { stdio: ['ignore', 'pipe', 'pipe'] }));
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  let exited = false;
  child.once('exit', () => (exited = true));
  const service: LabService = {
    router: r,
    configPath,
    logFile,
    child,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const done = once(child, 'exit');
      child.kill(signal);
      await done;
    },
  };
  try {
    await waitFor(`${r.plan.node}'s status socket`, timeoutMs, async () => {
      if (exited) throw new Error('exited');
      return existsSync(r.statusSocket) && (await readStatus(service)) !== null;
    });
  } catch (error) {
    await service.stop('SIGKILL');
    const { readFileSync } = await import('node:fs');
    const tail = readFileSync(logFile, 'utf8').trim().split('\n').slice(-5).join('\n');
    throw new Error(`carp-failover for ${r.plan.node} did not start: ${(error as Error).message}\n${tail}`);
  }
  return service;
}

/** `carp-failover status` for the service, as the CLI prints it (null when it does not answer). */
export function statusText(service: LabService, json = false): string | null {
  try {
    return execFileSync(process.execPath, [BIN, 'status', '-c', service.configPath, ...(json ? ['--json'] : [])], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 5000,
    });
  } catch {
    return null;
  }
}

/** The service's StatusReport (`status --json`), or null when it does not answer. */
export function statusReport(service: LabService): StatusReport | null {
  const text = statusText(service, true);
  if (text === null) return null;
  try {
    const parsed = JSON.parse(text) as StatusReport | { result?: StatusReport };
    return 'result' in parsed && parsed.result ? parsed.result : (parsed as StatusReport);
  } catch {
    return null;
  }
}

/** True when one service is MASTER, the others BACKUP, all ready, undemoted and in sync (a
 *  resource left alone for the role, like OVH on a BACKUP, has no desired state and counts). */
export function servicesSettled(services: readonly LabService[]): boolean {
  return reportsSettled(services.map(statusReport));
}

/** servicesSettled through the status sockets, awaited: for the process hosting the OVH mock. */
export async function servicesSettledAsync(services: readonly LabService[]): Promise<boolean> {
  return reportsSettled(await Promise.all(services.map((service) => readStatus(service))));
}

export function reportsSettled(reports: Array<StatusReport | null>): boolean {
  if (reports.some((r) => r === null)) return false;
  const ok = reports as StatusReport[];
  return (
    ok.filter((r) => r.role === 'MASTER').length === 1 &&
    ok.filter((r) => r.role === 'BACKUP').length === ok.length - 1 &&
    ok.every((r) => r.readiness.ready && r.demotion.total === 0 && r.resources.every((res) => res.inSync === true || res.desired == null))
  );
}
