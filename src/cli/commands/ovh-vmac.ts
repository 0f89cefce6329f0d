// `carp-failover ovh vmac create`: POST /dedicated/server/{sn}/virtualMac, wait for OVH's task,
// then find the generated MAC (OVH chooses it) and print it. Two uses:
//  - per router (strategy vmac): `--ip` is this router's own additional IP;
//  - `--shared` (strategy shared-vmac): the vMAC generated for the virtual interface, with the
//    failover IP as its only IP. OVH deletes a vMAC with its last IP, and carp-failover never
//    takes this IP off it, so it lives as long as the setup. IP, server and VM name come from the
//    config's shared-vmac entry; if the IP already sits alone on a vMAC, that one is the answer.
import { isIPv4 } from 'node:net';
import { UsageError } from '../argv.js';
import { ovhPath, type OvhClient } from '../../ovh/client.js';
import type { CommandContext } from '../command-spec.js';
import { EXIT } from '../../exit-codes.js';
import { openOvhSession, type OvhCommandDeps } from './ovh-session.js';

interface Task {
  taskId: number;
  status: string;
  comment: string | null;
}

interface Request {
  ip: string;
  type: 'ovh' | 'vmware';
  service: string;
  vmName: string;
  shared: boolean;
}

/** The command: per-router vMAC (--ip), or the shared one (--shared); exit status per outcome. */
export async function vmacCreate(ctx: CommandContext, deps: OvhCommandDeps): Promise<number> {
  const session = await openOvhSession(ctx, deps);
  const { client, config } = session;
  const shared = ctx.options.shared === true;
  const entry = shared ? config.ovh.ips.find((i) => i.strategy === 'shared-vmac') : undefined;
  if (shared && entry === undefined) throw new UsageError('--shared needs an ovh.ips entry with strategy shared-vmac (its ip, service and vm_name are used)');
  const ip = ctx.options.ip ?? entry?.ip.replace(/\/32$/, '');
  const type = ctx.options.type ?? 'ovh';
  const service = ctx.options.service ?? entry?.service ?? config.ovh.ips.find((i) => i.strategy === 'vmac')?.service;
  const vmName = ctx.options['vm-name'] ?? (entry?.strategy === 'shared-vmac' ? entry.vm_name : config.node);
  if (typeof ip !== 'string' || !isIPv4(ip)) {
    throw new UsageError(shared ? '--ip must be the failover IP of the shared-vmac entry' : '--ip must be this router’s own additional IPv4 address (the new vMAC carries it)');
  }
  if (type !== 'ovh' && type !== 'vmware') throw new UsageError(`--type must be ovh or vmware, not ${String(type)}`);
  if (typeof service !== 'string') throw new UsageError('--service is needed (no ovh.ips entry with strategy vmac or shared-vmac names one)');
  const request: Request = { ip, type, service, vmName: String(vmName), shared };
  if (shared) {
    const existing = await vmacHolding(client, service, ip);
    if (existing !== null) return reportExisting(ctx, existing, ip);
  }
  return create(ctx, deps, client, session.clock, request);
}

async function create(ctx: CommandContext, deps: OvhCommandDeps, client: OvhClient, clock: { now(): number; sleep(ms: number): Promise<void> }, request: Request): Promise<number> {
  const { ip, service } = request;
  const timeoutMs = Number(ctx.options.timeout ?? 300) * 1000;
  const path = ovhPath`/dedicated/server/${service}/virtualMac`;
  const task = await client.post<Task>(path, { ipAddress: ip, type: request.type, virtualMachineName: request.vmName });
  ctx.io.stdout(`OVH task ${task.taskId} started (${task.status}); waiting…\n`);
  const started = clock.now();
  let current = task;
  while (['init', 'todo', 'doing'].includes(current.status)) {
    if (clock.now() - started > timeoutMs) {
      ctx.io.stderr(`OVH task ${task.taskId} still ${current.status} after ${timeoutMs / 1000} s; check later with: carp-failover ovh status\n`);
      return EXIT.TEMPFAIL;
    }
    await clock.sleep(deps.pollMs ?? 5000);
    current = await client.get<Task>(ovhPath`/dedicated/server/${service}/task/${task.taskId}`);
  }
  if (current.status !== 'done') {
    ctx.io.stderr(`OVH task ${task.taskId} ended ${current.status}${current.comment ? `: ${current.comment}` : ''}\n`);
    return EXIT.FAILURE;
  }
  const found = await vmacHolding(client, service, ip);
  if (found === null) {
    ctx.io.stderr(`task ${task.taskId} is done but no vMAC on ${service} carries ${ip}\n`);
    return EXIT.FAILURE;
  }
  ctx.io.stdout(`virtual MAC: ${found.mac}\n`);
  if (request.shared) ctx.io.stdout(sharedAdvice(found.mac, ip));
  else ctx.io.stdout(`Set it on this router VM's interface for ${ip}, and in the config: ovh.ips[].vmac: "${found.mac}"\n`);
  return EXIT.OK;
}

/** The vMAC of the server that holds the IP, with every IP it holds; null when none does. */
async function vmacHolding(client: OvhClient, service: string, ip: string): Promise<{ mac: string; ips: string[] } | null> {
  for (const mac of await client.get<string[]>(ovhPath`/dedicated/server/${service}/virtualMac`)) {
    const ips = await client.get<string[]>(ovhPath`/dedicated/server/${service}/virtualMac/${mac}/virtualAddress`);
    if (ips.includes(ip)) return { mac: mac.toLowerCase(), ips };
  }
  return null;
}

// OVH holds an IP on one vMAC at a time: a second vMAC for it would be refused anyway.
function reportExisting(ctx: CommandContext, existing: { mac: string; ips: string[] }, ip: string): number {
  if (existing.ips.length === 1) {
    ctx.io.stdout(`${ip} is already the only IP of vMAC ${existing.mac}: that is the shared vMAC; nothing created\n`);
    ctx.io.stdout(sharedAdvice(existing.mac, ip));
    return EXIT.OK;
  }
  ctx.io.stderr(`${ip} is already bound to vMAC ${existing.mac}, which also carries ${existing.ips.filter((i) => i !== ip).join(', ')} (a router's own vMAC?): take ${ip} off it first, then run this again\n`);
  return EXIT.FAILURE;
}

function sharedAdvice(mac: string, ip: string): string {
  return (
    `In the config of BOTH routers: ovh.ips[] (ip ${ip}/32, strategy shared-vmac): vmac: "${mac}".\n` +
    'Do not give this MAC to a VM\'s NIC on the hypervisor: each router keeps its own NIC MAC, and carp-failover puts the vMAC on the MASTER\'s interface (ifconfig IF ether).\n'
  );
}
