// The OVH failover IP as a resource. Safety rules (PRODUCT.md): read the binding before any
// write and skip when it is ours; never stack a write on a pending task; re-read CARP right
// before each write; apply submits and returns (the engine's next run observes the task); the
// binding, not the task, is the authority; re-verify every verify period while MASTER and
// re-claim with backoff when someone keeps moving it (contested). Nothing while not MASTER.
import type { Config, FailoverIpConfig } from '../../config/schema.js';
import { CarpFailoverError } from '../../errors.js';
import type { Clock } from '../../host/ports.js';
import type { OvhClient } from '../../ovh/client.js';
import type { ApplyResult, DesiredContext, FailoverIpStatus, Mastership, Plan, Resource, ResourceContext } from '../resource.js';
import { ClaimGate } from './claim-gate.js';
import { FAILED, PENDING, type Binding, type FailoverIpActual, type FailoverIpDesired, type FailoverIpStep, type TaskView } from './model.js';
import { describeStep, planFailoverIp } from './plan.js';
import { missingVmacReason, reportSharedVmacLost } from './shared-vmac.js';
import { strategyFor, VMAC_TASK_FUNCTIONS, type BindingStrategy } from './strategies.js';

export interface FailoverIpResourceOptions {
  config: Config;
  ip: FailoverIpConfig;
  client: OvhClient;
  clock: Clock;
}

const iso = (ms: number) => new Date(ms).toISOString();

export class FailoverIpResource implements Resource<FailoverIpDesired, FailoverIpActual, FailoverIpStep> {
  readonly id: string;
  readonly kind = 'ovh' as const;
  readonly lane = 'provider' as const;
  private readonly strategy: BindingStrategy;
  private readonly ovh: Config['ovh'];
  private readonly clock: Clock;
  private readonly client: OvhClient;
  /** The last binding read from OVH; between verifications observe answers from it. */
  private cache: { binding: Binding; oursMissing: boolean; readAtMs: number } | null = null;
  private stale = true;
  private task: { view: TaskView; firstSeenMs: number } | null = null;
  /** The claim gate belongs to one mastership: `gateEpoch` is the engine's epoch it was made for. */
  private gate: ClaimGate;
  private gateEpoch = -1;
  private lastClaimAt: number | null = null;
  private lastRead: { ok: boolean; at: number; error: string | null } | null = null;
  private writing = false;

  constructor(private readonly options: FailoverIpResourceOptions) {
    const { ip, client, config } = options;
    this.id = `ovh:${ip.ip}`;
    this.ovh = config.ovh;
    this.clock = options.clock;
    this.client = client;
    this.strategy = strategyFor(client, ip);
    this.gate = this.freshGate();
  }

  /** MASTER: bound here; anything else: left alone (a BACKUP never gives the IP back). */
  desired(context: DesiredContext): FailoverIpDesired | undefined {
    return context.target === 'MASTER' ? { boundTo: this.strategy.ours } : undefined;
  }

  async observe(ctx: ResourceContext): Promise<FailoverIpActual> {
    const master = ctx.mastership.target === 'MASTER';
    // A new mastership (the engine's epoch moved) starts with a clean claim gate and re-reads:
    // a cached "ours" may be the peer's by now.
    if (master && ctx.mastership.epoch !== this.gateEpoch) {
      this.gate = this.freshGate();
      this.gateEpoch = ctx.mastership.epoch;
      this.stale = true;
    }
    // While this MASTER may have to claim the IP (a new mastership re-reads: the cache is stale;
    // or the IP is known to be elsewhere), its reads and its task's polls may use the client's
    // claim reserve: routine reads, of this IP as BACKUP or of other IPs, must not delay them.
    const claiming = master && (this.stale || !(this.cache?.binding.ours ?? false));
    try {
      return await (claiming ? this.client.urgently(() => this.read(ctx, master)) : this.read(ctx, master));
    } catch (error) {
      this.stale = true;
      this.lastRead = { ok: false, at: this.clock.now(), error: error instanceof Error ? error.message : String(error) };
      throw error;
    }
  }

  plan(desired: FailoverIpDesired, actual: FailoverIpActual): Plan<FailoverIpStep> {
    // shared-vmac repairs like vmac: off the vMAC someone put it on, back onto the shared one.
    return planFailoverIp(this.strategy.name === 'move' ? 'move' : 'vmac', desired, actual, { ip: this.options.ip.ip, pollMs: this.ovh.task_poll_ms });
  }

  apply(step: FailoverIpStep, ctx: ResourceContext): Promise<ApplyResult> {
    return this.write(step, ctx);
  }

  describe(step: FailoverIpStep): string {
    return describeStep(this.options.ip.ip, step);
  }

  status(mastership: Mastership): FailoverIpStatus {
    const now = this.clock.now();
    const hold = this.gate.notBefore();
    const paused = this.client.pausedUntil();
    // Contested and the re-claim hold belong to a mastership: once it has ended, a BACKUP must
    // not keep reporting (and alerting on) a split brain that has healed.
    const current = mastership.target === 'MASTER' && mastership.epoch === this.gateEpoch;
    const task = this.task;
    return {
      kind: 'ovh',
      ip: this.options.ip.ip,
      strategy: this.strategy.name,
      binding: this.cache ? { ...this.cache.binding } : null,
      bindingReadAt: this.cache ? iso(this.cache.readAtMs) : null,
      taskInFlight: task ? { taskId: task.view.taskId, function: task.view.function, status: task.view.status, ours: task.view.ours, since: task.view.since, ageMs: now - task.firstSeenMs } : null,
      contested: current && this.gate.contested,
      reclaimNotBefore: current && hold !== null && hold > now ? iso(hold) : null,
      lastClaimAt: this.lastClaimAt === null ? null : iso(this.lastClaimAt),
      // A 429 (Retry-After) or a credential failure paused OVH calls until then: the later one.
      pausedUntil: paused === null ? null : iso(paused.until),
      // move, vmac: the last read answered; shared-vmac: and found the IP on the shared vMAC.
      verify: this.lastRead ? { ok: this.lastRead.ok, at: iso(this.lastRead.at), error: this.lastRead.error } : { ok: null, at: null, error: null },
      calls: { ...this.client.calls() } as Record<string, number>,
    };
  }

  private freshGate(): ClaimGate {
    return new ClaimGate({ minIntervalMs: this.ovh.reclaim_min_interval_s * 1000, maxIntervalMs: Math.max(this.ovh.reclaim_min_interval_s, this.ovh.reclaim_max_interval_s) * 1000 });
  }

  private async read(ctx: ResourceContext, master: boolean): Promise<FailoverIpActual> {
    const now = this.clock.now();
    if (this.task) {
      await this.pollTask(ctx, now, master);
      return this.actual(now);
    }
    const cached = this.cache;
    const holding = (this.gate.notBefore() ?? 0) > now;
    // Not MASTER with the IP still here or bound nowhere: only the drain check asks, waiting for
    // the peer's claim to land; at the verify period its confirmation could lag by up to
    // verify_period_s (longer than drain --wait's timeout), so it re-reads at the task poll period
    // until the IP is bound elsewhere.
    // (shared-vmac: the binding stays on the shared vMAC whoever is MASTER: no claim to wait for.)
    const waitingForPeer = !master && this.strategy.name !== 'shared-vmac' && cached !== null && (cached.binding.ours || cached.binding.target === null);
    const maxAgeMs = waitingForPeer ? Math.min(this.ovh.task_poll_ms, this.ovh.verify_period_s * 1000) : this.ovh.verify_period_s * 1000;
    const fresh = cached !== null && !this.stale && now - cached.readAtMs < maxAgeMs;
    if (fresh && (cached.binding.ours || !master || holding)) return this.actual(now);
    await this.readBinding(ctx, now, master, 'verify');
    if (master && !this.cache!.binding.ours) await this.findPendingTask(ctx, now);
    return this.actual(now);
  }

  private actual(now: number): FailoverIpActual {
    const cache = this.cache!;
    const hold = this.gate.notBefore();
    const ip = this.options.ip;
    const blocked = ip.strategy !== 'move' && cache.oursMissing ? missingVmacReason(ip) : null;
    return {
      binding: { ...cache.binding },
      task: this.task ? { ...this.task.view } : null,
      holdUntil: hold !== null && hold > now ? iso(hold) : null,
      blocked,
      readAt: iso(cache.readAtMs),
      at: iso(now),
    };
  }

  /** Polls the tracked task (one call); at its end re-reads the binding, which has the last word. */
  private async pollTask(ctx: ResourceContext, now: number, master: boolean): Promise<void> {
    const tracked = this.task!;
    const task = await this.strategy.readTask(tracked.view.taskId, ctx.signal);
    tracked.view = { ...tracked.view, status: task.status, comment: task.comment };
    if (PENDING.has(task.status)) {
      if (!this.cache || now - this.cache.readAtMs >= this.ovh.verify_period_s * 1000) await this.readBinding(ctx, now, master, 'verify');
      if (!this.cache!.binding.ours && now - tracked.firstSeenMs > this.ovh.task_timeout_s * 1000) {
        throw new CarpFailoverError('OVH_TASK_STUCK', `${this.id}: OVH task ${task.taskId} (${task.function}) still ${task.status} after ${Math.round((now - tracked.firstSeenMs) / 1000)} s`, {
          transient: true,
          details: { taskId: task.taskId, function: task.function, status: task.status, ours: tracked.view.ours, since: tracked.view.since },
        });
      }
      return;
    }
    this.task = null;
    ctx.log.info({ taskId: task.taskId, function: task.function, status: task.status, ours: tracked.view.ours, durationMs: now - tracked.firstSeenMs }, 'ovh task ended');
    await this.readBinding(ctx, now, master, 'full', tracked.view.ours && task.status === 'done');
    if (FAILED.has(task.status) && tracked.view.ours && !this.cache!.binding.ours) {
      this.gate.failed(now);
      throw new CarpFailoverError('OVH_TASK_FAILED', `${this.id}: OVH task ${task.taskId} (${task.function}) ended ${task.status}${task.comment ? `: ${task.comment}` : ''}`, {
        details: { taskId: task.taskId, function: task.function, status: task.status, comment: task.comment },
      });
    }
    if (master && !this.cache!.binding.ours) await this.findPendingTask(ctx, now);
  }

  private async readBinding(ctx: ResourceContext, now: number, master: boolean, mode: 'verify' | 'full', ourTaskJustDone = false): Promise<void> {
    const read = await this.strategy.readBinding(ctx.signal, mode);
    const ours = read.target === this.strategy.ours;
    const previous = this.cache?.binding.target;
    this.cache = { binding: { target: read.target, ours }, oursMissing: read.oursMissing === true, readAtMs: now };
    this.lastRead = { ok: this.strategy.name !== 'shared-vmac' || ours, at: now, error: null };
    this.stale = false;
    if (previous !== undefined && previous !== read.target) ctx.log.info({ ip: this.options.ip.ip, from: previous, to: read.target, ours }, 'ovh binding changed');
    if (!master) return;
    if (!ours && this.options.ip.strategy === 'shared-vmac') reportSharedVmacLost(ctx.log, this.options.ip, read.target, read.oursMissing !== true);
    if (ours) {
      if (this.gate.seenOurs(now)) ctx.log.warn({ ip: this.options.ip.ip }, 'failover IP stayed here long enough: no longer contested');
    } else if (this.gate.seenElsewhere(now, this.task !== null, read.target === null, ourTaskJustDone)) {
      const hold = this.gate.notBefore();
      ctx.log.error(
        { ip: this.options.ip.ip, target: read.target, contested: true, reclaimAt: hold === null ? null : iso(hold), nextIntervalMs: this.gate.intervalMs },
        'SPLIT BRAIN? the failover IP was moved away from this MASTER; re-claiming with backoff',
      );
    }
  }

  /** A pending task on this IP (someone else's, or ours from before a restart): wait for it. */
  private async findPendingTask(ctx: ResourceContext, now: number): Promise<void> {
    const ids = await this.strategy.pendingTaskIds(ctx.signal);
    for (const taskId of ids.slice(0, 3)) {
      const task = await this.strategy.readTask(taskId, ctx.signal);
      if (!PENDING.has(task.status)) continue;
      if (this.strategy.name !== 'move' && !VMAC_TASK_FUNCTIONS.has(task.function)) continue;
      this.task = { view: { taskId, function: task.function, status: task.status, comment: task.comment, ours: false, step: null, since: iso(now) }, firstSeenMs: now };
      ctx.log.info({ taskId, function: task.function, status: task.status }, 'pending ovh task found: waiting for it');
      return;
    }
  }

  private async write(step: FailoverIpStep, ctx: ResourceContext): Promise<ApplyResult> {
    const poll = { requeueAfterMs: this.ovh.task_poll_ms };
    // One operation in flight per IP: never stack a write on a task.
    if (this.task || this.writing) return poll;
    this.writing = true;
    try {
      if (!(await ctx.stillMaster())) {
        throw new CarpFailoverError('NOT_MASTER', `${this.id}: CARP is no longer MASTER here; not calling OVH`, { details: { step: step.kind } });
      }
      ctx.signal.throwIfAborted();
      const target = step.kind === 'vmac-remove' ? step.from : step.to;
      const task = await this.strategy.write({ kind: step.kind, target }, ctx.signal);
      const now = this.clock.now();
      this.task = { view: { taskId: task.taskId, function: task.function, status: task.status, comment: task.comment, ours: true, step: step.kind, since: iso(now) }, firstSeenMs: now };
      this.gate.wrote(now, step.kind !== 'vmac-remove');
      this.lastClaimAt = now;
      ctx.log.warn({ ip: this.options.ip.ip, step: step.kind, target, taskId: task.taskId }, 'ovh claim submitted');
      return poll;
    } finally {
      this.writing = false;
      this.stale = true;
    }
  }
}

/** One resource per config.ovh.ips entry, sharing one client. */
export function createFailoverIpResources(config: Config, client: OvhClient, clock: Clock): FailoverIpResource[] {
  return config.ovh.ips.map((ip) => new FailoverIpResource({ config, ip, client, clock }));
}
