// The ways to point a failover IP here. `move` routes the IP to this router's dedicated
// server (/ip/{ip}/move, IP tasks); `vmac` re-binds it to this router's virtual MAC on the one
// hypervisor both routers run on (/dedicated/server/{sn}/virtualMac…, server tasks);
// `shared-vmac` reads the same vMAC routes, but "ours" is the one shared vMAC that whichever
// router is MASTER carries, so it only ever writes to repair a binding someone else changed.
import { z } from 'zod';
import type { FailoverIpConfig } from '../../config/schema.js';
import { ovhPath, type OvhClient } from '../../ovh/client.js';
import { OvhError } from '../../ovh/errors.js';
import type { StepKind, TaskStatus } from './model.js';

const taskShape = z.object({
  taskId: z.number().int(),
  function: z.string(),
  status: z.enum(['init', 'todo', 'doing', 'done', 'customerError', 'ovhError', 'cancelled']),
  comment: z.string().nullable().optional(),
});
const ipShape = z.object({ routedTo: z.object({ serviceName: z.string().nullable() }).nullable() });
const strings = z.array(z.string());
const ids = z.array(z.number().int());

export interface OvhTask {
  taskId: number;
  function: string;
  status: TaskStatus;
  comment: string | null;
}

export interface BindingRead {
  target: string | null;
  /** vmac: our vMAC does not exist (it vanishes with its last IP). */
  oursMissing?: boolean;
}

/** What the resource needs of a strategy. */
export interface BindingStrategy {
  readonly name: 'vmac' | 'move' | 'shared-vmac';
  /** The binding target that means "here". */
  readonly ours: string;
  readBinding(signal: AbortSignal, mode: 'verify' | 'full'): Promise<BindingRead>;
  /** Ids of pending tasks (init, todo, doing) that may change this IP. */
  pendingTaskIds(signal: AbortSignal): Promise<number[]>;
  readTask(taskId: number, signal: AbortSignal): Promise<OvhTask>;
  /** The one write of a step; resolves with the task OVH started. */
  write(step: { kind: StepKind; target: string }, signal: AbortSignal): Promise<OvhTask>;
}

function parse<T>(schema: z.ZodType<T>, data: unknown, method: string, path: string): T {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  throw new OvhError(
    'OVH_BAD_RESPONSE',
    { method, path, status: 200, errorCode: null, errorClass: null, ovhMessage: `unexpected answer shape: ${result.error.issues[0]?.message ?? 'invalid'}`, queryId: null, attempt: 1, durationMs: 0 },
    { transient: true },
  );
}

function toTask(data: unknown, method: string, path: string): OvhTask {
  const task = parse(taskShape, data, method, path);
  return { taskId: task.taskId, function: task.function, status: task.status, comment: task.comment ?? null };
}

const PENDING_STATUSES = ['init', 'todo', 'doing'] as const;

/** `move`: GET /ip/{ip} routedTo; POST /ip/{ip}/move {to}; IP tasks. */
export class MoveStrategy implements BindingStrategy {
  readonly name = 'move';
  readonly ours: string;

  constructor(
    private readonly client: OvhClient,
    private readonly config: Extract<FailoverIpConfig, { strategy: 'move' }>,
  ) {
    this.ours = config.service;
  }

  async readBinding(signal: AbortSignal): Promise<BindingRead> {
    const path = ovhPath`/ip/${this.config.ip}`;
    const ip = parse(ipShape, await this.client.get(path, { signal }), 'GET', path);
    const target = ip.routedTo?.serviceName;
    return { target: target ? target : null };
  }

  async pendingTaskIds(signal: AbortSignal): Promise<number[]> {
    const path = ovhPath`/ip/${this.config.ip}/task`;
    const found: number[] = [];
    for (const status of PENDING_STATUSES) found.push(...parse(ids, await this.client.get(path, { query: { status }, signal }), 'GET', path));
    return found;
  }

  async readTask(taskId: number, signal: AbortSignal): Promise<OvhTask> {
    const path = ovhPath`/ip/${this.config.ip}/task/${taskId}`;
    return toTask(await this.client.get(path, { signal }), 'GET', path);
  }

  async write(step: { kind: StepKind; target: string }, signal: AbortSignal): Promise<OvhTask> {
    const path = ovhPath`/ip/${this.config.ip}/move`;
    return toTask(await this.client.post(path, { to: step.target }, { signal }), 'POST', path);
  }
}

type VmacLikeConfig = Extract<FailoverIpConfig, { strategy: 'vmac' | 'shared-vmac' }>;

/** The strategy of one configured failover IP. */
export function strategyFor(client: OvhClient, ip: FailoverIpConfig): BindingStrategy {
  return ip.strategy === 'move' ? new MoveStrategy(client, ip) : new VmacStrategy(client, ip);
}

/**
 * `vmac` and `shared-vmac`: which vMAC of the server holds the IP; DELETE from the old one, POST
 * to ours (this router's vMAC, or the shared one); server tasks.
 */
export class VmacStrategy implements BindingStrategy {
  readonly name: 'vmac' | 'shared-vmac';
  readonly ours: string;
  private readonly address: string;
  /** The vMAC that held the IP at the last full read: checked first next time (one call). */
  private lastOwner: string | null = null;

  constructor(
    private readonly client: OvhClient,
    private readonly config: VmacLikeConfig,
  ) {
    this.name = config.strategy;
    this.ours = config.vmac;
    this.address = config.ip.replace(/\/32$/, '');
  }

  /**
   * verify: one call on the vMAC that held the IP last time (ours when it was ours); when the IP
   * is not there, or on `full`, list the vMACs and look through each.
   */
  async readBinding(signal: AbortSignal, mode: 'verify' | 'full'): Promise<BindingRead> {
    const sn = this.config.service;
    if (mode === 'verify' && this.lastOwner !== null) {
      const holds = await this.holds(this.lastOwner, signal);
      if (holds) return { target: this.lastOwner };
    }
    const listPath = ovhPath`/dedicated/server/${sn}/virtualMac`;
    const macs = parse(strings, await this.client.get(listPath, { signal }), 'GET', listPath).map((m) => m.toLowerCase());
    const oursMissing = !macs.includes(this.ours);
    // Ours first: in the steady state the answer is there.
    const order = oursMissing ? macs : [this.ours, ...macs.filter((m) => m !== this.ours)];
    for (const mac of order) {
      if (mac === this.lastOwner && mode === 'verify') continue; // just read: not there
      if (await this.holds(mac, signal)) {
        this.lastOwner = mac;
        return { target: mac, oursMissing };
      }
    }
    this.lastOwner = null;
    return { target: null, oursMissing };
  }

  private async holds(mac: string, signal: AbortSignal): Promise<boolean> {
    const path = ovhPath`/dedicated/server/${this.config.service}/virtualMac/${mac}/virtualAddress`;
    try {
      return parse(strings, await this.client.get(path, { signal }), 'GET', path).includes(this.address);
    } catch (error) {
      // The vMAC vanished since the list (its last IP was removed): it holds nothing.
      if (error instanceof OvhError && error.status === 404) return false;
      throw error;
    }
  }

  async pendingTaskIds(signal: AbortSignal): Promise<number[]> {
    const path = ovhPath`/dedicated/server/${this.config.service}/task`;
    const found: number[] = [];
    for (const status of PENDING_STATUSES) found.push(...parse(ids, await this.client.get(path, { query: { status }, signal }), 'GET', path));
    return found;
  }

  async readTask(taskId: number, signal: AbortSignal): Promise<OvhTask> {
    const path = ovhPath`/dedicated/server/${this.config.service}/task/${taskId}`;
    return toTask(await this.client.get(path, { signal }), 'GET', path);
  }

  async write(step: { kind: StepKind; target: string }, signal: AbortSignal): Promise<OvhTask> {
    const sn = this.config.service;
    if (step.kind === 'vmac-remove') {
      const path = ovhPath`/dedicated/server/${sn}/virtualMac/${step.target}/virtualAddress/${this.address}`;
      return toTask(await this.client.delete(path, { signal }), 'DELETE', path);
    }
    const path = ovhPath`/dedicated/server/${sn}/virtualMac/${step.target}/virtualAddress`;
    return toTask(await this.client.post(path, { ipAddress: this.address, virtualMachineName: this.config.vm_name }, { signal }), 'POST', path);
  }
}

/** The first pending task (of three at most) that may change the IP's binding; null when none. */
export async function firstPendingTask(strategy: BindingStrategy, signal: AbortSignal): Promise<OvhTask | null> {
  for (const taskId of (await strategy.pendingTaskIds(signal)).slice(0, 3)) {
    const task = await strategy.readTask(taskId, signal);
    if (!['init', 'todo', 'doing'].includes(task.status)) continue;
    if (strategy.name !== 'move' && !VMAC_TASK_FUNCTIONS.has(task.function)) continue;
    return task;
  }
  return null;
}

/** Server tasks that can touch a vMAC binding (dedicated.TaskFunctionEnum); others are not ours to wait for. */
export const VMAC_TASK_FUNCTIONS: ReadonlySet<string> = new Set([
  'addVirtualMac',
  'removeVirtualMac',
  'virtualMacAdd',
  'virtualMacDelete',
  'moveVirtualMac',
  'genericMoveFloatingIp',
  'moveFloatingIp',
]);
