// Fake resources for engine tests: each holds a one-word actual state, plans "make actual equal
// desired", and records every observe/apply in a shared World log together with what the fake
// kernel said at that instant, so tests can assert order and "never while not MASTER".
import { CarpFailoverError } from '../../../src/errors.js';
import type { Clock } from '../../../src/host/ports.js';
import type { FollowedVhid } from '../../../src/host/freebsd/ports.js';
import { steps, type ApplyResult, type DesiredContext, type GreStatus, type Lane, type Plan, type ReadinessHold, type Resource, type ResourceContext, type ResourceKind } from '../../../src/resources/resource.js';
import type { FakeCarp } from '../../fakes/carp.js';

export interface CallRecord {
  t: number;
  id: string;
  kind: ResourceKind;
  op: 'observe' | 'apply';
  step?: string;
  /** The mastership epoch the engine told the resource. */
  epoch: number;
  /** The fake kernel's answer at the moment of the call. */
  master: boolean;
  reconcileId: string;
}

/** The shared log and the kernel every fake resource consults. */
export class World {
  readonly calls: CallRecord[] = [];
  constructor(
    readonly clock: Clock,
    readonly carp: FakeCarp,
    readonly followed: readonly FollowedVhid[],
  ) {}

  applies(filter?: (c: CallRecord) => boolean): CallRecord[] {
    return this.calls.filter((c) => c.op === 'apply' && (!filter || filter(c)));
  }

  /** Apply calls as "id step" lines. */
  applyLines(): string[] {
    return this.applies().map((c) => `${c.id} ${c.step}`);
  }
}

export interface FakeOptions {
  /** Desired for MASTER / BACKUP; undefined = leave alone. */
  master: string | undefined;
  backup: string | undefined;
  initial: string;
}

/** A resource whose actual state is one string. */
export class FakeResource implements Resource<string, string, string> {
  actual: string;
  /** Failures still to come, by operation. */
  failApplies = 0;
  failObserves = 0;
  failWith: () => Error = () => new CarpFailoverError('COMMAND_FAILED', 'fake failure', { details: { argv: ['fake'] }, transient: true });
  /** Apply takes this long (clock time); honours the signal. */
  applyDelayMs = 0;
  /** Apply that never resolves (ignores the signal): a hung command. */
  hangApply = false;
  requeueAfterMs: number | undefined;
  holds: ReadinessHold[] = [];
  closed = 0;
  inFlight = 0;
  maxInFlight = 0;
  /** Every context desired() was given, in order. */
  readonly contexts: DesiredContext[] = [];
  readonly lane: Lane;

  constructor(
    private readonly world: World,
    readonly id: string,
    readonly kind: ResourceKind,
    private readonly options: FakeOptions,
  ) {
    this.actual = options.initial;
    this.lane = kind === 'ovh' ? 'provider' : 'local';
  }

  desired(context: DesiredContext): string | undefined {
    this.contexts.push(context);
    return context.target === 'MASTER' ? this.options.master : this.options.backup;
  }

  async observe(ctx: ResourceContext): Promise<string> {
    this.record('observe', ctx);
    if (this.failObserves > 0) {
      this.failObserves--;
      throw this.failWith();
    }
    return this.actual;
  }

  plan(desired: string, actual: string): Plan<string> {
    return steps(desired === actual ? [] : [desired]);
  }

  async apply(step: string, ctx: ResourceContext): Promise<ApplyResult | void> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      // Like the OVH resource: re-read CARP right before a provider write.
      if (this.kind === 'ovh' && !(await ctx.stillMaster())) throw new CarpFailoverError('NOT_MASTER', 'no longer MASTER');
      this.record('apply', ctx, step);
      if (this.hangApply) await new Promise(() => {});
      if (this.applyDelayMs > 0) await ctx.clock.sleep(this.applyDelayMs, ctx.signal);
      if (this.failApplies > 0) {
        this.failApplies--;
        throw this.failWith();
      }
      this.actual = step;
      return this.requeueAfterMs === undefined ? undefined : { requeueAfterMs: this.requeueAfterMs };
    } finally {
      this.inFlight--;
    }
  }

  describe(step: string): string {
    return `set ${this.id} ${step}`;
  }

  readiness(_actual?: string): ReadinessHold[] {
    return this.holds;
  }

  status(): GreStatus {
    return { kind: 'gre', interface: this.id, mode: 'follow-carp', up: null };
  }

  async close(): Promise<void> {
    this.closed++;
  }

  private record(op: CallRecord['op'], ctx: ResourceContext, step?: string): void {
    this.world.calls.push({ t: this.world.clock.now(), id: this.id, kind: this.kind, op, step, epoch: ctx.mastership.epoch, master: this.world.carp.isMaster(this.world.followed), reconcileId: ctx.reconcileId });
  }
}

/** A GRE tunnel following CARP: up on MASTER, down otherwise. */
export function fakeGre(world: World, name = 'gre0', initial = 'down'): FakeResource {
  return new FakeResource(world, `gre:${name}`, 'gre', { master: 'up', backup: 'down', initial });
}

/** An OSPF interface: low cost on MASTER, high on BACKUP. */
export function fakeOspf(world: World, name = 'gre0', initial = 'cost-100'): FakeResource {
  return new FakeResource(world, `ospf:${name}`, 'ospf', { master: 'cost-10', backup: 'cost-100', initial });
}

/** An OVH failover IP: claimed on MASTER, left alone otherwise (never given back). */
export function fakeOvh(world: World, ip = '192.0.2.10/32', initial = 'peer'): FakeResource {
  return new FakeResource(world, `ovh:${ip}`, 'ovh', { master: 'ours', backup: undefined, initial });
}
