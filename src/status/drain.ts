// "Drained": the node has handed everything to its peer and is safe to take down. Computed from
// a StatusReport alone (pure), so the daemon puts it in status and the CLI can recompute it from
// any report. Each condition is named so `drain --wait` can say exactly what did not follow.
//
// Conditions:
//   vhids        every followed vhid is BACKUP here (the peer took MASTER);
//   demotion     our maintenance demotion contribution is applied;
//   <ovh id>     every OVH failover IP is bound to another router (its FailoverIpStatus: binding.ours
//                false and a target: bound nowhere is not handed over), read after this node left
//                MASTER (an older read proves nothing; bindingReadAt, since the resource may answer
//                observe from its cache); with shared-vmac the binding never moves: met, the
//                carrier's condition below says whether the vMAC left this node;
//   <vmac id>    the shared-vMAC carrier no longer carries it: observed while not MASTER;
//   <ospf id>    the OSPF cost is at its BACKUP value: in sync, observed while not MASTER;
//   <gre id>     follow-carp tunnels are down (always-up ones up): in sync, observed while not
//                MASTER, and not kept up for a failover IP that still points here (keepPath).
// A resource left alone for the current role (no desired state, never observed) is met.
import type { FailoverIpStatus } from '../resources/resource.js';
import type { DrainCondition, ResourceStatus, StatusReport } from './model.js';

export interface DrainResult {
  drained: boolean;
  conditions: DrainCondition[];
}

/** The failover IP's typed status, when the resource reported one. */
function ovhDetail(resource: ResourceStatus): FailoverIpStatus | null {
  return resource.detail?.kind === 'ovh' ? resource.detail : null;
}

/** What the checks read: a whole report, or the daemon's report before its `drain` field is set. */
export type DrainInput = Omit<StatusReport, 'drain'>;

/** The status report's `drain` field: the conditions while the drain flag is on, else null. */
export function drainStatus(report: DrainInput): DrainResult | null {
  return report.flags.drain ? drainConditions(report) : null;
}

export function drainConditions(report: DrainInput): DrainResult {
  const conditions: DrainCondition[] = [vhidCondition(report), demotionCondition(report)];
  for (const resource of report.resources) {
    if (resource.kind === 'ovh') conditions.push(ovhCondition(resource, report));
  }
  for (const resource of report.resources) {
    if (resource.kind === 'vmac') conditions.push(vmacCondition(resource, report));
  }
  for (const kind of ['ospf', 'gre'] as const) {
    for (const resource of report.resources) {
      if (resource.kind === kind) conditions.push(localCondition(resource, report));
    }
  }
  return { drained: conditions.every((c) => c.met), conditions };
}

function vhidCondition(report: DrainInput): DrainCondition {
  const name = 'vhids';
  if (report.vhids.length === 0) return { name, met: false, detail: 'CARP not observed yet' };
  const notBackup = report.vhids.filter((v) => v.state !== 'BACKUP');
  if (notBackup.length === 0) {
    return { name, met: true, detail: `all BACKUP here (${report.vhids.map(vhidLabel).join(', ')})` };
  }
  return { name, met: false, detail: `not BACKUP here: ${notBackup.map((v) => `${vhidLabel(v)} ${v.state}`).join(', ')}` };
}

function demotionCondition(report: DrainInput): DrainCondition {
  const name = 'demotion';
  const ours = report.demotion.ours.maintenance ?? 0;
  if (ours > 0) {
    const total = report.demotion.total === null ? 'unread' : String(report.demotion.total);
    return { name, met: true, detail: `maintenance demotion ${ours} applied (net.inet.carp.demotion ${total})` };
  }
  return {
    name,
    met: false,
    detail: report.flags.drain ? 'maintenance demotion not applied yet' : 'drain flag not set',
  };
}

function ovhCondition(resource: ResourceStatus, report: DrainInput): DrainCondition {
  const name = resource.id;
  // Nothing to hand over at OVH, and OVH being down must not hold a drain: the carrier decides.
  if (ovhDetail(resource)?.strategy === 'shared-vmac') return { name, met: true, detail: 'shared vMAC: the binding stays put; the vMAC carrier hands over' };
  const binding = ovhDetail(resource)?.binding ?? null;
  if (binding === null) {
    return { name, met: false, detail: `binding unknown${errorSuffix(resource)}` };
  }
  const target = binding.target ?? 'nowhere';
  if (report.role !== 'MASTER' && !bindingReadSinceRoleChange(resource, report)) {
    return {
      name,
      met: false,
      detail: `${binding.ours ? 'bound here' : `bound to ${target}`} when last read (${bindingReadAt(resource) ?? 'never'}), before the role changed at ${report.roleSince}`,
    };
  }
  if (binding.ours) return { name, met: false, detail: `still bound here (${target})${errorSuffix(resource)}` };
  // Not here is not enough: an IP bound nowhere (a vMAC claim half done) reaches nobody.
  if (binding.target === null) return { name, met: false, detail: `bound nowhere: the peer has not claimed it yet${errorSuffix(resource)}` };
  return { name, met: true, detail: `bound to ${target}` };
}

function vmacCondition(resource: ResourceStatus, report: DrainInput): DrainCondition {
  const name = resource.id;
  const carrying = resource.detail?.kind === 'vmac' ? resource.detail.carrying : null;
  if (report.role === 'MASTER') return { name, met: false, detail: 'the shared vMAC stays here (role is MASTER)' };
  if (carrying !== false || !observedSinceRoleChange(resource, report)) {
    const state = carrying === true ? 'still carried here' : carrying === null ? 'not observed yet' : 'not re-read since the role changed';
    return { name, met: false, detail: `shared vMAC ${state}${errorSuffix(resource)}` };
  }
  return { name, met: true, detail: 'shared vMAC released: the interface wears its own MAC' };
}

function localCondition(resource: ResourceStatus, report: DrainInput): DrainCondition {
  const name = resource.id;
  const what = resource.kind === 'ospf' ? 'OSPF cost' : 'tunnel';
  if (resource.desired === undefined || resource.desired === null) {
    if (resource.inSync === null) return { name, met: true, detail: 'left alone' };
  }
  if (report.role === 'MASTER') return { name, met: false, detail: `${what} still as MASTER (role is MASTER)` };
  if (resource.inSync !== true || !observedSinceRoleChange(resource, report)) {
    const why = resource.waiting ? ` (${resource.waiting})` : '';
    const state = resource.inSync === null ? 'not observed yet' : resource.inSync ? 'not re-read since the role changed' : 'not yet at its BACKUP value';
    return { name, met: false, detail: `${what} ${state}${why}${errorSuffix(resource)}` };
  }
  const gre = resource.detail?.kind === 'gre' ? resource.detail : null;
  if (gre !== null && gre.mode === 'follow-carp' && gre.up === true) {
    return { name, met: false, detail: 'tunnel kept up: a failover IP still points here (never break a path OVH still uses)' };
  }
  return { name, met: true, detail: `${what} at its BACKUP value${describeDesired(resource.desired)}` };
}

/**
 * The likely cause when not drained, one sentence per cause, most likely first; null when
 * drained. Meant for `drain --wait`'s timeout message and the status output.
 */
export function drainHint(result: DrainResult, report: DrainInput): string | null {
  if (result.drained) return null;
  const unmet = new Map(result.conditions.filter((c) => !c.met).map((c) => [c.name, c]));
  const hints: string[] = [];
  if (report.flags.freeze) {
    hints.push('the service is frozen (it observes and changes nothing): run `carp-failover thaw` to let it converge');
  }
  if (unmet.has('demotion')) {
    if (!report.flags.drain) hints.push('the drain flag is not set: run `carp-failover drain`');
    else if (report.demotion.total === null) hints.push('net.inet.carp.demotion could not be read: check the service log for sysctl errors');
    else hints.push('the maintenance demotion is not applied yet: is the service reconciling? (see lastReconcile in status)');
  }
  if (unmet.has('vhids')) {
    const states = new Set(report.vhids.map((v) => v.state));
    if (report.vhids.length === 0) {
      hints.push('CARP has not been observed yet: is the service reconciling?');
    } else if (states.has('MASTER')) {
      const ownPreempt = report.demotion.preempt === false ? ' (it is 0 here too)' : '';
      hints.push(`no peer took MASTER: is net.inet.carp.preempt=1 on the peer${ownPreempt}, and is it up and hearing this node's advertisements?`);
    }
    const broken = report.vhids.filter((v) => v.state === 'INIT' || v.state === 'ABSENT' || v.state === 'UNKNOWN');
    if (broken.length > 0) {
      hints.push(`${broken.map((v) => `${vhidLabel(v)} is ${v.state}`).join(', ')}: check the interface and its carp configuration`);
    }
  }
  const roleStillMaster = report.role === 'MASTER';
  // The failover IP first: a tunnel kept up for it only follows once it has moved.
  const ordered = [...report.resources.filter((r) => r.kind === 'ovh'), ...report.resources.filter((r) => r.kind !== 'ovh')];
  for (const resource of ordered) {
    const condition = unmet.get(resource.id);
    if (!condition) continue;
    if (resource.kind === 'ovh') {
      hints.push(ovhHint(resource, report));
    } else if (resource.detail?.kind === 'gre' && resource.detail.up === true && resource.inSync === true && !roleStillMaster) {
      hints.push(`${resource.id} is kept up while a failover IP still points here; it goes down once the IP has moved (at most ovh.keep_path_s)`);
    } else if (!roleStillMaster && !report.flags.freeze) {
      if (resource.lastError) {
        hints.push(`${resource.id} failed to converge: ${resource.lastError.code}: ${resource.lastError.message}${resource.nextRetryAt ? ` (next retry ${resource.nextRetryAt})` : ''}`);
      } else if (resource.waiting) {
        hints.push(`${resource.id} is waiting: ${resource.waiting}`);
      } else {
        hints.push(`${resource.id} has not converged as BACKUP yet: the settle time or the next reconcile will do it`);
      }
    }
  }
  if (hints.length === 0) hints.push('conditions are still converging');
  return hints.join('; ');
}

function ovhHint(resource: ResourceStatus, report: DrainInput): string {
  const binding = ovhDetail(resource)?.binding ?? null;
  if (binding === null) {
    return `${resource.id}: the binding has not been read${resource.lastError ? ` (last error ${resource.lastError.code}: ${resource.lastError.message})` : ''}: check OVH credentials and reachability`;
  }
  if (report.role !== 'MASTER' && !bindingReadSinceRoleChange(resource, report)) {
    return `${resource.id}: the binding has not been re-read since this node left MASTER (while draining the engine reads it without writing: check its last error)`;
  }
  if (binding.ours) {
    if (report.role === 'MASTER') return `${resource.id} stays here while this node is MASTER`;
    return `${resource.id}: the peer's OVH claim has not landed: check its status (contested, taskInFlight, OVH call errors)`;
  }
  if (binding.target === null) {
    return `${resource.id}: the peer's OVH claim has not landed and the IP is bound nowhere (no traffic reaches it): check the peer's status (taskInFlight, OVH call errors)`;
  }
  return `${resource.id} is still converging`;
}

function observedSinceRoleChange(resource: ResourceStatus, report: DrainInput): boolean {
  if (resource.lastObservedAt === null) return false;
  return Date.parse(resource.lastObservedAt) >= Date.parse(report.roleSince);
}

/** The OVH binding's own read time when the resource reports it, else the last observation. */
function bindingReadAt(resource: ResourceStatus): string | null {
  return ovhDetail(resource)?.bindingReadAt ?? resource.lastObservedAt;
}

function bindingReadSinceRoleChange(resource: ResourceStatus, report: DrainInput): boolean {
  const readAt = bindingReadAt(resource);
  return readAt !== null && Date.parse(readAt) >= Date.parse(report.roleSince);
}

function errorSuffix(resource: ResourceStatus): string {
  return resource.lastError ? `; last error ${resource.lastError.code}` : '';
}

function describeDesired(desired: unknown): string {
  if (desired === null || desired === undefined) return '';
  if (typeof desired !== 'object') return ` (${String(desired)})`;
  const text = JSON.stringify(desired);
  return text.length <= 60 ? ` (${text})` : '';
}

function vhidLabel(v: { vhid: number; interface: string }): string {
  return `${v.vhid}@${v.interface}`;
}
