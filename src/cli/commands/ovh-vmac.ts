// `carp-failover ovh vmac create`: POST /dedicated/server/{sn}/virtualMac, wait for OVH's task,
// then find the generated MAC (OVH chooses it) and print it for the VM's interface.
import { isIPv4 } from 'node:net';
import { UsageError } from '../argv.js';
import { ovhPath } from '../../ovh/client.js';
import type { CommandContext } from '../command-spec.js';
import { EXIT } from '../../exit-codes.js';
import { openOvhSession, type OvhCommandDeps } from './ovh-session.js';

interface Task {
  taskId: number;
  status: string;
  comment: string | null;
}

export async function vmacCreate(ctx: CommandContext, deps: OvhCommandDeps): Promise<number> {
  const session = await openOvhSession(ctx, deps);
  const { client, config, clock } = session;
  const ip = ctx.options.ip;
  const type = ctx.options.type ?? 'ovh';
  const service = ctx.options.service ?? config.ovh.ips.find((i) => i.strategy === 'vmac')?.service;
  const vmName = ctx.options['vm-name'] ?? config.node;
  if (typeof ip !== 'string' || !isIPv4(ip)) throw new UsageError('--ip must be this router’s own additional IPv4 address (the new vMAC carries it)');
  if (type !== 'ovh' && type !== 'vmware') throw new UsageError(`--type must be ovh or vmware, not ${String(type)}`);
  if (typeof service !== 'string') throw new UsageError('--service is needed (no ovh.ips entry with strategy vmac names one)');
  const timeoutMs = Number(ctx.options.timeout ?? 300) * 1000;
  const path = ovhPath`/dedicated/server/${service}/virtualMac`;
  const task = await client.post<Task>(path, { ipAddress: ip, type, virtualMachineName: String(vmName) });
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
  for (const mac of await client.get<string[]>(path)) {
    const ips = await client.get<string[]>(ovhPath`/dedicated/server/${service}/virtualMac/${mac}/virtualAddress`);
    if (ips.includes(ip)) {
      ctx.io.stdout(`virtual MAC: ${mac}\n`);
      ctx.io.stdout(`Set it on this router VM's interface for ${ip}, and in the config: ovh.ips[].vmac: "${mac.toLowerCase()}"\n`);
      return EXIT.OK;
    }
  }
  ctx.io.stderr(`task ${task.taskId} is done but no vMAC on ${service} carries ${ip}\n`);
  return EXIT.FAILURE;
}
