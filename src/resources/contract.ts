// The resource contract, version 2 (issue "Engine v2"). The engine and every resource use it;
// src/resources/resource.ts re-exports each type under its plain name (ResourceV2 → Resource,
// ResourceContextV2 → ResourceContext, …) together with the converge order: import from there.
// The V2 names here stay valid for code written against this file first.
//
// What changes from v1, and why:
// - Tell, don't infer: the engine hands every resource its Mastership (role, since when, and an
//   epoch that grows at each entry into MASTER). A resource never works out a new mastership
//   from when it is called; desired() is pure.
// - A plan is actions: plan() returns steps, or a wait (an OVH task pending, a re-claim hold), or
//   blocked (a condition only an operator can lift). Only steps reach the journal and
//   lastChangeAt.
// - Lanes: a resource says which lane it converges in. The local lane (GRE, OSPF, the vMAC
//   carrier) never awaits network I/O; the provider lane (OVH) runs beside it, is aborted when
//   the role changes, and writes only on a MASTER whose local lane converged in the same epoch.
// - Typed status: each kind returns its own status shape; status, drain and metrics read it
//   through the type (a discriminated union on `kind`), never through string keys of a bag.
import type { Logger } from 'pino';
import type { CarpFailoverError } from '../errors.js';
import type { Clock } from '../host/ports.js';
import type { NodeRole, TargetRole } from '../model.js';

/** Resource kinds. `vmac` is the local carrier of the shared OVH vMAC (strategy shared-vmac). */
export type ResourceKindV2 = 'gre' | 'ospf' | 'vmac' | 'ovh';

/** Where a resource converges: local work never waits behind provider (network) work. */
export type Lane = 'local' | 'provider';

/** The engine's word on mastership. Resources read it; they never derive it. */
export interface Mastership {
  /** The node role observed in this run. */
  role: NodeRole;
  /** What resources converge toward: anything that is not MASTER converges as BACKUP. */
  target: TargetRole;
  /** When `role` began (epoch ms). */
  since: number;
  /**
   * Grows by one at each entry into MASTER (0 before the first). Provider state that belongs to
   * one mastership (a claim gate, `contested`) starts afresh when the epoch changes.
   */
  epoch: number;
}

/** What desired() is told. Pure input: the same context gives the same desired state. */
export interface DesiredContext extends Mastership {
  /** The operator's drain flag is set. */
  draining: boolean;
  /**
   * The provider still routes a failover IP to this node although it is no longer MASTER:
   * local resources keep their side of the path (tunnel up, cost low, addresses kept) until the
   * binding points elsewhere or the engine's bounded wait ends. Never true on a MASTER.
   */
  keepPath: boolean;
}

/** What the engine hands a resource for observe() and apply() in one run. */
export interface ResourceContextV2 {
  reconcileId: string;
  /** Aborted when the run times out, the service stops, or (provider lane) the role changes. */
  signal: AbortSignal;
  log: Logger;
  clock: Clock;
  mastership: Mastership;
  /**
   * Re-reads CARP from the kernel now. Provider writes call it immediately before each write and
   * stop (NOT_MASTER) unless it answers true.
   */
  stillMaster(): Promise<boolean>;
}

/**
 * The outcome of plan():
 * - `steps`: actions that change the world, in order; empty means in sync;
 * - `wait`: nothing to do now, not in sync, look again after requeueAfterMs (a pending task, a
 *   re-claim hold); no retry penalty, nothing journaled;
 * - `blocked`: cannot proceed until something outside changes (the vMAC does not exist): recorded
 *   as lastError and retried with backoff, nothing journaled as a step.
 */
export type Plan<Step> =
  | { kind: 'steps'; steps: Step[] }
  | { kind: 'wait'; reason: string; requeueAfterMs: number }
  | { kind: 'blocked'; error: CarpFailoverError };

/** Builds a `steps` plan ([] = in sync). */
export function steps<Step>(list: Step[]): Plan<Step> {
  return { kind: 'steps', steps: list };
}

/** Builds a `wait` plan. */
export function waitFor<Step>(reason: string, requeueAfterMs: number): Plan<Step> {
  return { kind: 'wait', reason, requeueAfterMs };
}

/** Builds a `blocked` plan. */
export function blocked<Step>(error: CarpFailoverError): Plan<Step> {
  return { kind: 'blocked', error };
}

/** What one applied step asks of the engine. */
export interface ApplyResultV2 {
  /** Come back (re-observe) after this long even if nothing else happens: task polling. */
  requeueAfterMs?: number;
}

/** A readiness check that is not met; holds the readiness demotion while present. */
export interface ReadinessHoldV2 {
  resource: string;
  reason: string;
}

/** GRE tunnel status. */
export interface GreStatus {
  kind: 'gre';
  interface: string;
  mode: 'follow-carp' | 'always-up';
  /** The tunnel is up as last observed; null before the first observation or when missing. */
  up: boolean | null;
}

/** OSPF interface cost status. */
export interface OspfStatus {
  kind: 'ospf';
  interface: string;
  cost: number | null;
  neighbours: number | null;
}

/** The shared-vMAC carrier on the interface that holds the failover IP. */
export interface VmacCarrierStatus {
  kind: 'vmac';
  interface: string;
  /** The shared vMAC this node carries while MASTER. */
  vmac: string;
  /** The interface's hardware MAC, restored on BACKUP. */
  hwaddr: string | null;
  /** The interface carries the vMAC right now (last observation). */
  carrying: boolean | null;
}

/** One OVH task as status shows it. */
export interface OvhTaskStatus {
  taskId: number;
  function: string;
  status: string;
  ours: boolean;
  since: string;
  ageMs: number;
  /**
   * Until when it holds a claim back (ISO); null or absent: until it ends. A vMAC task on the
   * server names no IP, so it is waited on for a bounded time only.
   */
  blocksUntil?: string | null;
}

/** The failover IP (any strategy). */
export interface FailoverIpStatus {
  kind: 'ovh';
  ip: string;
  strategy: 'move' | 'vmac' | 'shared-vmac';
  /** Where OVH routes the IP (a vMAC or a server), as last read; null before the first read. */
  binding: { target: string | null; ours: boolean } | null;
  /** When the binding was read from OVH (ISO); reads between verifications come from a cache. */
  bindingReadAt: string | null;
  taskInFlight: OvhTaskStatus | null;
  /** Someone else moved the IP away during this mastership (split brain?): said loudly. */
  contested: boolean;
  reclaimNotBefore: string | null;
  lastClaimAt: string | null;
  /** OVH asked us to pause (429 Retry-After, auth failure) until then (ISO), else null. */
  pausedUntil: string | null;
  /** Why: `auth` while a credential pause lasts (whichever ends later), else `rate-limited`. */
  pauseReason?: 'auth' | 'rate-limited' | null;
  /**
   * A write whose answer was lost (timeout, reset): no write again until its task or effect
   * shows up or `lookingUntil` passes. Absent for strategies that make no writes.
   */
  lostAnswer?: { step: string; target: string; sentAt: string; lookingUntil: string } | null;
  /** The periodic verification of the binding (shared-vmac: bound to the shared vMAC). */
  verify: { ok: boolean | null; at: string | null; error: string | null };
  calls: Record<string, number>;
}

/** Typed status by kind: status, drain and metrics switch on `kind`. */
export type KindStatus = GreStatus | OspfStatus | VmacCarrierStatus | FailoverIpStatus;

/**
 * One managed thing. Desired and Actual must be JSON-safe (the status socket shows them as is).
 * Errors are thrown as CarpFailoverError subclasses, never returned as booleans.
 */
export interface ResourceV2<Desired = unknown, Actual = unknown, Step = unknown> {
  /** Unique and stable across reloads: "gre:gre0", "ospf:gre0", "vmac:vtnet1", "ovh:192.0.2.10/32". */
  readonly id: string;
  readonly kind: ResourceKindV2;
  readonly lane: Lane;
  /** Pure: what the resource should look like; undefined means "leave it alone". */
  desired(context: DesiredContext): Desired | undefined;
  /** Reads the real state (ifconfig, vtysh, OVH API). */
  observe(ctx: ResourceContextV2): Promise<Actual>;
  /** Pure: steps that take actual to desired, a wait, or blocked. */
  plan(desired: Desired, actual: Actual, mastership: Mastership): Plan<Step>;
  /** Performs one step. Idempotent: a step replayed after a crash must do no harm. */
  apply(step: Step, ctx: ResourceContextV2): Promise<ApplyResultV2 | void>;
  /** One line naming a step, for the journal and logs ("ifconfig gre0 up"). */
  describe(step: Step): string;
  /** Unmet readiness checks seen in the last observation (OSPF neighbours…). */
  readiness?(actual: Actual): ReadinessHoldV2[];
  /**
   * This kind's typed status. The engine passes its current mastership: state that belongs to a
   * mastership (`contested`) is reported only while that mastership lasts.
   */
  status(mastership: Mastership): KindStatus;
  /** Releases timers, sockets, HTTP pools; called on shutdown and when a reload drops it. */
  close?(): Promise<void>;
}
