// The contract every managed resource implements (GRE tunnel, OSPF interface, OVH failover IP).
// The engine calls: desired(role) → observe() → plan(desired, actual) → apply(step) for each step,
// in the order of ORDER_BY_ROLE, one resource at a time, from one writer.
import type { Logger } from 'pino';
import type { Clock } from '../host/ports.js';
import type { TargetRole } from '../model.js';

/** Resource kinds; the engine orders converge by kind. */
export type ResourceKind = 'gre' | 'ospf' | 'ovh';

/** Converge order. OVH is absent from BACKUP on purpose: a BACKUP never gives the IP back. */
export const ORDER_BY_ROLE: Readonly<Record<TargetRole, readonly ResourceKind[]>> = {
  MASTER: ['gre', 'ospf', 'ovh'],
  BACKUP: ['ospf', 'gre'],
};

/** Provider-facing kinds wait for the long settle time and never act while not MASTER. */
export const PROVIDER_FACING: ReadonlySet<ResourceKind> = new Set(['ovh']);

/** What the engine hands a resource for one reconcile run. */
export interface ResourceContext {
  /** Short id of this run; on every log line of the run. */
  reconcileId: string;
  /** Aborted when the run times out or the role changes under it: stop promptly. */
  signal: AbortSignal;
  log: Logger;
  clock: Clock;
  /**
   * Re-reads CARP from the kernel right now. Provider writes call it immediately before each
   * write and stop (NOT_MASTER) unless it answers true.
   */
  stillMaster(): Promise<boolean>;
}

/** What one applied step asks of the engine. */
export interface ApplyResult {
  /** Come back (re-observe) after this long even if nothing else happens: task polling. */
  requeueAfterMs?: number;
}

/** A readiness check that is not met; holds the readiness demotion while present. */
export interface ReadinessHold {
  resource: string;
  reason: string;
}

/**
 * One managed thing. Desired and Actual must be JSON-safe: the status socket shows them as is.
 * Errors are thrown as CarpFailoverError subclasses (typed, with code and details), never
 * returned as booleans.
 */
export interface Resource<Desired = unknown, Actual = unknown, Step = unknown> {
  /** Unique and stable across reloads: "gre:gre0", "ospf:gre0", "ovh:192.0.2.10/32". */
  readonly id: string;
  readonly kind: ResourceKind;
  /** What the resource should look like for the role; undefined means "leave it alone". */
  desired(role: TargetRole): Desired | undefined;
  /** Reads the real state (ifconfig, vtysh, OVH API). */
  observe(ctx: ResourceContext): Promise<Actual>;
  /** Pure: the steps that take actual to desired, [] when in sync. */
  plan(desired: Desired, actual: Actual): Step[];
  /** Performs one step. Idempotent: a step replayed after a crash must do no harm. */
  apply(step: Step, ctx: ResourceContext): Promise<ApplyResult | void>;
  /** One line naming a step, for the journal and logs ("ifconfig gre0 up"). */
  describe(step: Step): string;
  /** Unmet readiness checks seen in the last observation (OSPF neighbours…). */
  readiness?(actual: Actual): ReadinessHold[];
  /** Extra status fields (OVH task in flight, contested…), JSON-safe. */
  extraStatus?(): Record<string, unknown>;
  /** Releases timers, sockets, HTTP pools; called on shutdown and when a reload drops it. */
  close?(): Promise<void>;
}

/** A resource as the engine holds it, without type parameters. */
export type AnyResource = Resource<any, any, any>;
