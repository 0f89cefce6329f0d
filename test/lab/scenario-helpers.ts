// Shared by the end-to-end lab scenarios (test/lab/e2e-*.test.ts): one lab with the OVH mock and
// a service per router, brought up once per file, and the read-outs the scenarios assert on (the
// mock's binding and request log by router, tunnel links, OSPF costs, the OVH resource's status).
// Append new helpers rather than rewriting: several scenario files use this one.
import { readFileSync } from 'node:fs';
import { nsExec } from '../support/netns.js';
import type { ResourceStatus, StatusReport } from '../../src/status/model.js';
import type { MockRequest } from '../ovh-mock/server.js';
import type { FailoverIpStatus } from '../../src/resources/contract.js';
import { startLabOvh, type LabOvh } from './ovh.js';
import { IPFO, ROUTER_IDS, ROUTERS, SHARED_VMAC, routerForService, routerForVmac, type RouterId, type Strategy } from './plan.js';
import { reportsSettled, servicesSettled, servicesSettledAsync, startService, statusReport, statusText, type ConfigOverrides, type LabService } from './services.js';
import { readStatus } from './readouts.js';
import { Timeline } from './timeline.js';
import { startLab, type LabRun } from './up.js';
import { waitFor } from './wait.js';

/** The lab, the mock, the timeline and one service per router. */
export interface Scenario {
  run: LabRun;
  ovh: LabOvh;
  timeline: Timeline;
  services: Record<RouterId, LabService>;
  overrides: ConfigOverrides;
  /** Restarts one router's service (after a crash or a stop), same config. */
  restart(id: RouterId): Promise<LabService>;
  /** Both services' status and last log lines, for a failure message. */
  diagnose(): string;
  teardown(): void;
}

export interface ScenarioOptions {
  /** How OVH gets the IPFO to the MASTER (default move): the data path and the config. */
  strategy?: Strategy;
  /** Each OVH task's duration in the mock (ms). */
  taskMs?: number;
  /** Config laid over the lab's defaults for both services. */
  overrides?: ConfigOverrides;
  /** How long both services may take to settle (boot hold-down, one MASTER, all in sync). */
  settleMs?: number;
}

/** Brings the lab, the mock and both services up and waits until they settle; tears down on failure. */
export async function startScenario(options: ScenarioOptions = {}): Promise<Scenario> {
  const strategy = options.strategy ?? 'move';
  const run = await startLab({ strategy });
  const overrides = options.overrides ?? {};
  try {
    const timeline = new Timeline(run.lab, run.eventsFile, run.upstream);
    timeline.start();
    const ovh = await startLabOvh(run.lab, timeline, options.taskMs ?? 0, strategy);
    const services = {} as Record<RouterId, LabService>;
    for (const id of ROUTER_IDS) services[id] = await startService(run.lab, run.routers[id], ovh.endpoints[id], 10_000, overrides);
    const scenario: Scenario = {
      run,
      ovh,
      timeline,
      services,
      overrides,
      async restart(id) {
        services[id] = await startService(run.lab, run.routers[id], ovh.endpoints[id], 10_000, overrides);
        return services[id];
      },
      diagnose: () => diagnose(Object.values(services)),
      teardown: () => run.lab.teardown(),
    };
    await waitFor('both services settled', options.settleMs ?? 60_000, () => servicesSettledAsync(Object.values(services)), 250).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}\n${scenario.diagnose()}`);
    });
    return scenario;
  } catch (error) {
    run.lab.teardown();
    throw error;
  }
}

/** Each service's status and last log lines. */
export function diagnose(services: LabService[], lines = 25): string {
  return services
    .map((s) => {
      let log = '';
      try {
        log = readFileSync(s.logFile, 'utf8').trim().split('\n').slice(-lines).join('\n');
      } catch {
        log = '(no log)';
      }
      return `--- ${s.router.plan.node}\n${statusText(s) ?? '(no status)'}\n${log}`;
    })
    .join('\n');
}

/** The router the mock has the IPFO bound to (its state, not a request): the server it is routed
 *  to (move) or the router whose vMAC holds it (vmac); 'shared' while on the shared vMAC. */
export function ipfoBinding(ovh: LabOvh): RouterId | 'shared' | null {
  if (ovh.strategy === 'move') return routerForService(ovh.mock.state.ips.get(`${IPFO}/32`)?.routedTo ?? null)?.id ?? null;
  const mac = ovh.mock.state.vmacOf(`${IPFO}/32`)?.mac ?? null;
  return mac === SHARED_VMAC ? 'shared' : routerForVmac(mac)?.id ?? null;
}

/** Requests the router's service made (by its application key), at or after `since`. Requests
 *  answered by an injected fault before authentication carry no caller: see requestsSince. */
export function requestsBy(ovh: LabOvh, id: RouterId, since = 0): MockRequest[] {
  const ak = ovh.endpoints[id].applicationKey;
  return ovh.mock.requests.filter((r) => r.at >= since && r.caller?.startsWith(`${ak}/`));
}

/** Writes (POST/PUT/DELETE) the router's service made, at or after `since`. */
export function writesBy(ovh: LabOvh, id: RouterId, since = 0): MockRequest[] {
  return requestsBy(ovh, id, since).filter((r) => r.method !== 'GET');
}

/** Every API request (any caller, faulted or not) at or after `since`, before `until`. */
export function requestsSince(ovh: LabOvh, since: number, until = Infinity): MockRequest[] {
  return ovh.mock.requests.filter((r) => r.at >= since && r.at < until && r.route !== null);
}

/** POST …/move requests (any caller, faulted or not) at or after `since`. */
export function moveRequests(ovh: LabOvh, since = 0): MockRequest[] {
  return ovh.mock.requests.filter((r) => r.at >= since && r.method === 'POST' && r.url.includes('/move'));
}

/** Whether the router's tunnel link (gre0) is administratively up. */
export function tunnelUp(id: RouterId): boolean {
  const r = ROUTERS[id];
  const [link] = JSON.parse(nsExec(r.ns, ['ip', '-j', 'link', 'show', r.greIf])) as Array<{ flags: string[] }>;
  return link!.flags.includes('UP');
}

/** The OSPF cost configured on an interface of the router's ospfd (running config: readable
 *  also while the link is down, when `show ip ospf interface` no longer lists it). */
export function ospfCost(scenario: Scenario, id: RouterId, ifname: string): number | null {
  const text = scenario.run.routers[id].frr.vtysh('show running-config');
  const block = new RegExp(`^interface ${ifname}\\n((?: .*\\n)*)`, 'm').exec(text);
  const cost = block ? /^ ip ospf cost (\d+)$/m.exec(block[1]!) : null;
  return cost ? Number(cost[1]) : null;
}

/** The OVH resource in a status report. */
export function ovhResource(report: StatusReport | null): ResourceStatus | undefined {
  return report?.resources.find((r) => r.kind === 'ovh');
}

/** The OVH resource's typed status (contested, verify, binding…), if it has one. */
export function ovhDetail(report: StatusReport | null): FailoverIpStatus | undefined {
  const detail = ovhResource(report)?.detail;
  return detail?.kind === 'ovh' ? detail : undefined;
}

/** The service's role, or null when it does not answer. */
export function roleOf(service: LabService): string | null {
  return statusReport(service)?.role ?? null;
}

/** True when the local resources follow `master`: its tunnel up and OSPF costs at the MASTER
 *  value (10), the other's tunnel down and costs at the BACKUP value (1000), per the lab config. */
export function localResourcesFollow(scenario: Scenario, master: RouterId): boolean {
  return ROUTER_IDS.every((id) => {
    const isMaster = id === master;
    const cost = isMaster ? 10 : 1000;
    const r = ROUTERS[id];
    return tunnelUp(id) === isMaster && ospfCost(scenario, id, r.greIf) === cost && ospfCost(scenario, id, r.carpIf) === cost;
  });
}

/** Lines of the service's NDJSON log (parsed), at or after `since`. */
export function serviceLog(service: LabService, since = 0): Array<Record<string, unknown> & { msg?: string; time?: string }> {
  const out: Array<Record<string, unknown> & { msg?: string; time?: string }> = [];
  for (const line of readFileSync(service.logFile, 'utf8').split('\n')) {
    try {
      const entry = JSON.parse(line) as Record<string, unknown> & { msg?: string; time?: string };
      const at = typeof entry.time === 'string' ? Date.parse(entry.time) : typeof entry.time === 'number' ? entry.time : NaN;
      if (!(at < since)) out.push(entry);
    } catch {
      /* not a log line */
    }
  }
  return out;
}

/** Why servicesSettled() is false (for a timeout message), or null when it holds. Reads the
 *  status over the socket, never by a synchronous CLI call: the OVH mock runs in this process. */
export async function unsettledReason(services: readonly LabService[]): Promise<string | null> {
  const reports = await Promise.all(services.map((service) => readStatus(service)));
  const reasons: string[] = [];
  services.forEach((service, index) => {
    const report = reports[index] ?? null;
    const node = service.router.plan.node;
    if (report === null) {
      reasons.push(`${node}: no status`);
      return;
    }
    if (!report.readiness.ready) reasons.push(`${node}: not ready`);
    if (report.demotion.total !== 0) reasons.push(`${node}: demotion ${report.demotion.total}`);
    for (const res of report.resources) {
      if (res.inSync !== true && res.desired != null) reasons.push(`${node}: ${res.id} ${res.inSync === false ? 'out of sync' : 'unknown'}${res.waiting ? ` (${res.waiting})` : ''}${res.lastError ? ` ${res.lastError.code}` : ''}`);
    }
    reasons.push(`${node}: ${report.role}`);
  });
  return reportsSettled(reports) ? null : reasons.join('; ');
}

/** Waits until servicesSettled(); resolves with the reasons it was not, each with when it began
 *  (ms from the call), and throws with them on timeout: where a slow convergence spent its time. */
export async function waitSettled(services: readonly LabService[], timeoutMs: number, extra: () => boolean | Promise<boolean> = () => true): Promise<string[]> {
  const start = Date.now();
  const seen: string[] = [];
  let last: string | null = '';
  try {
    await waitFor('both services settled', timeoutMs, async () => {
      const reason = (await unsettledReason(services)) ?? ((await extra()) ? null : 'condition not met');
      if (reason !== last && reason !== null) seen.push(`+${Date.now() - start} ms ${reason}`);
      last = reason;
      return reason === null;
    }, 250);
  } catch (error) {
    throw new Error(`${(error as Error).message}; on the way:\n${seen.join('\n')}`);
  }
  return seen;
}
