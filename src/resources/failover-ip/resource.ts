// The OVH failover IP as a resource. Safety rules (docs/ovh.md): read the binding before any
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
import { isLostAnswer, type LostAnswer } from './lost-answer.js';
import { FAILED, PENDING, type Binding, type FailoverIpActual, type FailoverIpDesired, type FailoverIpStep } from './model.js';
import { describeStep, planFailoverIp } from './plan.js';
import { mustRead } from './read-policy.js';
import { missingVmacReason, reportSharedVmacLost } from './shared-vmac.js';
import { firstPendingTask, strategyFor, type BindingStrategy } from './strategies.js';
import { failoverIpStatus } from './status-fields.js';
import { taskFailed, TaskTracker, taskStuck } from './task-tracker.js';

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
  /** The task followed and a write whose answer was lost. */
  private readonly tasks: TaskTracker;
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
    this.gate = ClaimGate.forConfig(this.ovh);
    this.tasks = new TaskTracker(this.ovh);
  }

  /** MASTER: bound here; anything else: left alone (a BACKUP never gives the IP back). */
  desired(context: DesiredContext): FailoverIpDesired | undefined {
    return context.target === 'MASTER' ? { boundTo: this.strategy.ours } : undefined;
  }

  async observe(ctx: ResourceContext): Promise<FailoverIpActual> {
    const master = ctx.mastership.target === 'MASTER';
    // A new mastership (the engine's epoch moved) starts with a clean claim gate and re-reads:
    // a cached "ours" may be the peer's by now, and its first read lists pending tasks.
    if (master && ctx.mastership.epoch !== this.gateEpoch) {
      this.gate = ClaimGate.forConfig(this.ovh);
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
    // Contested and the re-claim hold belong to a mastership: once it has ended, a BACKUP must
    // not keep reporting (and alerting on) a split brain that has healed.
    const current = mastership.target === 'MASTER' && mastership.epoch === this.gateEpoch;
    const { ip, strategy } = this.options.ip;
    return failoverIpStatus({ now: this.clock.now(), ip, strategy, cache: this.cache, tasks: this.tasks, gate: current ? this.gate : null, lastClaimAt: this.lastClaimAt, lastRead: this.lastRead, client: this.client });
  }

  private async read(ctx: ResourceContext, master: boolean): Promise<FailoverIpActual> {
    const now = this.clock.now();
    // A first read of this mastership (or after an error or a write) also lists pending tasks,
    // even when the binding says ours: one may be about to take it off (a quick flap).
    const firstRead = this.stale;
    if (this.tasks.current) {
      await this.pollTask(ctx, now, master, firstRead);
      return this.actual(now);
    }
    const holding = (this.gate.notBefore() ?? 0) > now;
    const input = { cached: this.stale ? null : this.cache, now, master, holding, lostAnswer: this.tasks.lost !== null, sharedVmac: this.strategy.name === 'shared-vmac', ovh: this.ovh };
    if (!mustRead(input)) return this.actual(now);
    await this.readBinding(ctx, now, master, 'verify');
    this.lostWriteFound(ctx, this.tasks.landedIn(this.cache!.binding), 'binding');
    if (master && (!this.cache!.binding.ours || firstRead || this.tasks.lost)) await this.findPendingTask(ctx, now);
    const expired = this.tasks.expired(now);
    if (expired) ctx.log.warn({ ip: this.options.ip.ip, step: expired.kind, sentAt: iso(expired.at) }, 'no trace of the write whose answer was lost: it may be written again');
    return this.actual(now);
  }

  /** The lost write did reach OVH (its task, or its effect on the binding): it was our claim. */
  private lostWriteFound(ctx: ResourceContext, lost: LostAnswer | null, how: 'binding' | 'task'): void {
    if (lost === null) return;
    this.gate.wrote(lost.at, lost.kind !== 'vmac-remove');
    this.lastClaimAt = lost.at;
    ctx.log.warn({ ip: this.options.ip.ip, step: lost.kind, found: how }, 'the write whose answer was lost did reach OVH');
  }

  private actual(now: number): FailoverIpActual {
    const cache = this.cache!;
    const hold = this.gate.notBefore();
    return {
      binding: { ...cache.binding },
      ...this.tasks.actual(now),
      holdUntil: hold !== null && hold > now ? iso(hold) : null,
      blocked: this.options.ip.strategy !== 'move' && cache.oursMissing ? missingVmacReason(this.options.ip) : null,
      readAt: iso(cache.readAtMs),
      at: iso(now),
    };
  }

  /** Polls the tracked task (one call); at its end re-reads the binding, which has the last word. */
  private async pollTask(ctx: ResourceContext, now: number, master: boolean, firstRead: boolean): Promise<void> {
    const tracked = this.tasks.current!;
    const task = await this.strategy.readTask(tracked.view.taskId, ctx.signal);
    tracked.view = { ...tracked.view, status: task.status, comment: task.comment };
    if (PENDING.has(task.status)) {
      if (!this.cache || now - this.cache.readAtMs >= this.ovh.verify_period_s * 1000) await this.readBinding(ctx, now, master, 'verify');
      if (!this.cache!.binding.ours && now - tracked.firstSeenMs > this.ovh.task_timeout_s * 1000) throw taskStuck(this.id, tracked, task, now);
      return;
    }
    this.tasks.current = null;
    ctx.log.info({ taskId: task.taskId, function: task.function, status: task.status, ours: tracked.view.ours, durationMs: now - tracked.firstSeenMs }, 'ovh task ended');
    // Whatever moved the IP meanwhile is explained by this task when it was not ours, or was ours
    // from an earlier mastership (the gate is fresh: no claim yet in this one).
    const ourClaim = tracked.view.ours && this.gate.claimAt !== null;
    await this.readBinding(ctx, now, master, 'full', ourClaim && task.status === 'done', !ourClaim);
    if (FAILED.has(task.status) && tracked.view.ours && !this.cache!.binding.ours) {
      this.gate.failed(now);
      throw taskFailed(this.id, task);
    }
    // Our removal just left the IP unbound, as it meant to: add ours at once (the call budget
    // is better spent on the claim than on listing tasks again).
    const asMeant = ourClaim && task.status === 'done' && tracked.view.step === 'vmac-remove' && this.cache!.binding.target === null;
    if (master && !asMeant && (!this.cache!.binding.ours || firstRead)) await this.findPendingTask(ctx, now);
  }

  private async readBinding(ctx: ResourceContext, now: number, master: boolean, mode: 'verify' | 'full', ourTaskJustDone = false, explained = false): Promise<void> {
    const read = await this.strategy.readBinding(ctx.signal, mode);
    const ours = read.target === this.strategy.ours;
    const previous = this.cache?.binding.target;
    this.cache = { binding: { target: read.target, ours }, oursMissing: read.oursMissing === true, readAtMs: now };
    // move, vmac: the last read answered; shared-vmac: and found the IP on the shared vMAC.
    this.lastRead = { ok: this.strategy.name !== 'shared-vmac' || ours, at: now, error: null };
    this.stale = false;
    if (previous !== undefined && previous !== read.target) ctx.log.info({ ip: this.options.ip.ip, from: previous, to: read.target, ours }, 'ovh binding changed');
    if (master && !ours && this.options.ip.strategy === 'shared-vmac') reportSharedVmacLost(ctx.log, this.options.ip, read.target, read.oursMissing !== true);
    if (master) this.gate.noteRead(now, { ours, target: read.target }, this.tasks.blocks(now) || explained, ourTaskJustDone, ctx.log, this.options.ip.ip);
  }

  /** A pending task on this IP (someone else's, or ours from before a restart): wait for it. */
  private async findPendingTask(ctx: ResourceContext, now: number): Promise<void> {
    const task = await firstPendingTask(this.strategy, ctx.signal);
    if (task === null) return;
    // After a lost answer, the pending task may be the one our write started: ours to follow.
    const lost = this.tasks.followFound(task, this.strategy.name === 'move', now);
    ctx.log.info({ taskId: task.taskId, function: task.function, status: task.status, mayBeOurs: lost !== null, blocksClaimUntil: this.tasks.current!.view.blocksUntil ?? 'its end' }, 'pending ovh task found: waiting for it');
    this.lostWriteFound(ctx, lost, 'task');
  }

  private async write(step: FailoverIpStep, ctx: ResourceContext): Promise<ApplyResult> {
    const poll = { requeueAfterMs: this.ovh.task_poll_ms };
    // One operation in flight per IP: never stack a write on a task, nor on a lost answer.
    if (this.tasks.forbidsWrite(this.clock.now()) || this.writing) return poll;
    this.writing = true;
    const target = step.kind === 'vmac-remove' ? step.from : step.to;
    const sentAt = this.clock.now();
    try {
      if (!(await ctx.stillMaster())) {
        throw new CarpFailoverError('NOT_MASTER', `${this.id}: CARP is no longer MASTER here; not calling OVH`, { details: { step: step.kind } });
      }
      ctx.signal.throwIfAborted();
      const task = await this.strategy.write({ kind: step.kind, target }, ctx.signal).catch((error: unknown) => {
        if (isLostAnswer(error)) {
          const lost = this.tasks.answerLost(step.kind, target, sentAt, this.clock.now());
          ctx.log.warn({ ip: this.options.ip.ip, step: step.kind, target, lookingUntil: iso(lost.until) }, 'the answer to an ovh write was lost: looking for its task before any new write');
        }
        throw error;
      });
      const now = this.clock.now();
      this.tasks.followOurs(task, step.kind, now);
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
