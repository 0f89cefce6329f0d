// THE resource contract (v2): every managed resource (GRE tunnel, OSPF interface, the shared-vMAC
// carrier, OVH failover IP) implements `Resource`. The types are defined in contract.ts, where
// they were agreed first, and re-exported here under their plain names with the converge order.
//
// The engine tells each resource its Mastership; desired(context) is pure; observe() reads the
// world; plan() returns steps, a wait or blocked; apply(step) performs one step. Local resources
// converge in the local lane in the order of ORDER_BY_ROLE; provider resources in their own lane.
import type { TargetRole } from '../model.js';
import type {
  ApplyResultV2,
  Lane,
  ReadinessHoldV2,
  ResourceContextV2,
  ResourceKindV2,
  ResourceV2,
} from './contract.js';

export { blocked, steps, waitFor } from './contract.js';
export type {
  DesiredContext,
  FailoverIpStatus,
  GreStatus,
  KindStatus,
  Lane,
  Mastership,
  OspfStatus,
  OvhTaskStatus,
  Plan,
  VmacCarrierStatus,
} from './contract.js';

/** Resource kinds; the engine orders converge by kind. */
export type ResourceKind = ResourceKindV2;
/** One managed thing (see contract.ts for each member's rules). */
export type Resource<Desired = unknown, Actual = unknown, Step = unknown> = ResourceV2<Desired, Actual, Step>;
/** What the engine hands a resource for observe() and apply() in one run. */
export type ResourceContext = ResourceContextV2;
/** What one applied step asks of the engine. */
export type ApplyResult = ApplyResultV2;
/** A readiness check that is not met; holds the readiness demotion while present. */
export type ReadinessHold = ReadinessHoldV2;

/**
 * Local converge order by target role. Becoming MASTER: tunnel up, then the shared vMAC carried,
 * then the cost lowered. The vMAC goes before the cost because it is what brings the failover
 * IP's inbound traffic here (the hypervisor's bridge learns it from the gratuitous ARP), and the
 * tunnel it needs is already up; the cost only moves outbound traffic, and its vtysh call is the
 * slowest local step, so it must not sit in front of the failover IP. Becoming BACKUP the reverse
 * for routing (cost raised first, so traffic leaves before the tunnel goes down), the vMAC last.
 * Provider kinds are not here: they run in the provider lane, and only on a MASTER (a BACKUP
 * never gives the IP back).
 */
export const ORDER_BY_ROLE: Readonly<Record<TargetRole, readonly ResourceKind[]>> = {
  MASTER: ['gre', 'vmac', 'ospf'],
  BACKUP: ['ospf', 'gre', 'vmac'],
};

/** The lane each kind converges in (a resource states its own; this is for kind-level checks). */
export const LANE_OF_KIND: Readonly<Record<ResourceKind, Lane>> = { gre: 'local', ospf: 'local', vmac: 'local', ovh: 'provider' };

/** A resource as the engine holds it, without type parameters. */
export type AnyResource = Resource<any, any, any>;
