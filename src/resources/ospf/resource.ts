// The OSPF resource: one per configured interface. MASTER gets cost.master, everything else
// cost.backup, set with vtysh in configure mode and re-checked on every reconcile, so a cost that
// ospfd lost (restart, `clear ip ospf process`, an operator's edit) comes back within one
// period. Only the configured interface is ever touched; ospfd's file is left alone unless
// ospf.write_memory asks for it.
import { CarpFailoverError } from '../../errors.js';
import type { Host } from '../../host/ports.js';
import { validateInterfaceName } from '../../host/validate.js';
import type { Config, OspfInterfaceConfig } from '../../config/schema.js';
import { steps, type DesiredContext, type OspfStatus, type Plan, type ReadinessHold, type Resource, type ResourceContext } from '../resource.js';
import { countNeighbors, type NeighborCount, type OspfInterfaceState } from './ospf-state.js';
import { observeInterfaces, observeNeighbors } from './observe.js';
import { Vtysh, VtyshError, type VtyshFlavour } from './vtysh.js';

export interface OspfDesired {
  cost: number;
}

export interface OspfActual {
  interface: string;
  flavour: VtyshFlavour;
  /** The cost ospfd uses now; null while the interface is down in ospfd (no cost is shown). */
  cost: number | null;
  running: boolean;
  area: string | null;
  state: string | null;
  networkType: string | null;
  passive: boolean;
  /** Neighbours here; null when no readiness check asks for them. */
  neighbors: NeighborCount | null;
}

export interface OspfStep {
  interface: string;
  from: number | null;
  cost: number;
}

/** ospfd does not run OSPF on a configured interface (missing, or no network/area covers it). */
export class OspfInterfaceUnknownError extends CarpFailoverError {
  constructor(ifname: string, known: readonly string[], why: string) {
    super('OSPF_UNAVAILABLE', `ospfd ${why} ${ifname}; OSPF interfaces it knows: ${known.length ? known.join(', ') : 'none'}. Add the interface to ospfd's config (a network … area statement or ip ospf area)`, {
      transient: true, // a GRE tunnel created by this service may appear on a later run
      details: { interface: ifname, known: [...known] },
    });
  }
}

export class OspfResource implements Resource<OspfDesired, OspfActual, OspfStep> {
  readonly id: string;
  readonly kind = 'ospf' as const;
  readonly lane = 'local' as const;
  private readonly ifname: string;
  /** The last observation, for status(). */
  private last: OspfActual | null = null;
  /** The last observe() failure since the last success: ospfd down is a readiness hold too. */
  private observeError: CarpFailoverError | null = null;

  constructor(
    private readonly config: OspfInterfaceConfig,
    private readonly vtysh: Vtysh,
    private readonly options: { writeMemory: boolean },
  ) {
    this.ifname = validateInterfaceName(config.interface);
    this.id = `ospf:${this.ifname}`;
  }

  // The cost follows the role even while keepPath holds the tunnel up: traffic leaves the path
  // as soon as routing allows, the path stays for what OVH still sends here.
  desired(context: DesiredContext): OspfDesired {
    return { cost: context.target === 'MASTER' ? this.config.cost.master : this.config.cost.backup };
  }

  async observe(ctx: ResourceContext): Promise<OspfActual> {
    try {
      const actual = await this.read(ctx.signal);
      this.observeError = null;
      this.last = actual;
      return actual;
    } catch (error) {
      if (error instanceof CarpFailoverError) this.observeError = error;
      throw error;
    }
  }

  // Pure. A cost ospfd does not show (interface down) is not compared: the configured cost is
  // kept by ospfd across down/up, and a BACKUP whose tunnel is down must not retry forever.
  plan(desired: OspfDesired, actual: OspfActual): Plan<OspfStep> {
    if (actual.cost === null || actual.cost === desired.cost) return steps([]);
    return steps([{ interface: actual.interface, from: actual.cost, cost: desired.cost }]);
  }

  async apply(step: OspfStep, ctx: ResourceContext): Promise<void> {
    const ifname = validateInterfaceName(step.interface);
    if (ifname !== this.ifname) throw new CarpFailoverError('INTERNAL', `ospf:${this.ifname} was asked to change ${ifname}`);
    const commands = ['configure terminal', `interface ${ifname}`, `ip ospf cost ${step.cost}`];
    if (this.options.writeMemory) commands.push('end', 'write memory');
    await this.vtysh.run(commands, ctx.signal);
    ctx.log.info({ interface: ifname, from: step.from, cost: step.cost }, 'ospf cost set');
  }

  describe(step: OspfStep): string {
    return `vtysh: interface ${step.interface}: ip ospf cost ${step.cost} (was ${step.from ?? 'unknown'})`;
  }

  status(): OspfStatus {
    return { kind: 'ospf', interface: this.ifname, cost: this.last?.cost ?? null, neighbours: this.last?.neighbors?.full ?? null };
  }

  readiness(actual: OspfActual | undefined): ReadinessHold[] {
    if (this.observeError instanceof VtyshError && this.observeError.code === 'OSPF_UNAVAILABLE') {
      return [{ resource: this.id, reason: `ospfd not answering for ${this.ifname}: ${this.observeError.message}` }];
    }
    const required = this.config.require_neighbors;
    if (required === 0 || actual === undefined) return [];
    const full = actual.neighbors?.full ?? 0;
    if (full >= required) return [];
    const where = actual.running ? '' : ' (interface down in ospfd)';
    return [{ resource: this.id, reason: `${this.ifname}: ${full} Full OSPF neighbour${full === 1 ? '' : 's'}, ${required} required${where}` }];
  }

  private async read(signal: AbortSignal): Promise<OspfActual> {
    const flavour = await this.vtysh.flavour(signal);
    const interfaces = await observeInterfaces(this.vtysh, flavour, this.ifname, signal);
    const state = interfaces[this.ifname];
    if (state === undefined || !state.enabled || state.placeholder) {
      const all = await observeInterfaces(this.vtysh, flavour, null, signal); // only to name the known ones
      throw new OspfInterfaceUnknownError(this.ifname, knownNames(all), unknownWhy(state));
    }
    let neighbors: NeighborCount | null = null;
    if (this.config.require_neighbors > 0) {
      neighbors = state.running ? countNeighbors(await observeNeighbors(this.vtysh, flavour, signal), this.ifname) : { total: 0, full: 0 };
    }
    return toActual(state, flavour, neighbors);
  }
}

/** One resource per config.ospf.interfaces entry, sharing one vtysh client (one flavour probe). */
export function createOspfResources(config: Config, host: Host): OspfResource[] {
  const vtysh = new Vtysh(host, config.ospf);
  return config.ospf.interfaces.map((iface) => new OspfResource(iface, vtysh, { writeMemory: config.ospf.write_memory }));
}

function toActual(state: OspfInterfaceState, flavour: VtyshFlavour, neighbors: NeighborCount | null): OspfActual {
  return {
    interface: state.name,
    flavour,
    cost: state.cost,
    running: state.running,
    area: state.area,
    state: state.state,
    networkType: state.networkType,
    passive: state.passive,
    neighbors,
  };
}

function unknownWhy(state: OspfInterfaceState | undefined): string {
  if (state === undefined) return 'does not know the interface';
  if (state.placeholder) return 'knows only a configuration placeholder (ifIndex 0, no such interface in zebra) for';
  return 'does not run OSPF on';
}

function knownNames(interfaces: Record<string, OspfInterfaceState>): string[] {
  return Object.values(interfaces).filter((i) => i.enabled && !i.placeholder).map((i) => i.name);
}
