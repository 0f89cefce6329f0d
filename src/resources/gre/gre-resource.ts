// One configured gre(4) tunnel as a Resource: up on MASTER and down otherwise (follow-carp), or
// up always; with create, also its existence, tunnel endpoints and inner addresses. A follow-carp
// tunnel also stays up while the engine says keepPath: OVH still routes a failover IP here.
import type { GreTunnelConfig } from '../../config/schema.js';
import { validateInterfaceName, validateIpAddress } from '../../host/validate.js';
import { IfconfigReader, type IfconfigPorts } from '../../host/freebsd/ifconfig-reader.js';
import type { ApplyResult, DesiredContext, GreStatus, Plan, Resource, ResourceContext } from '../resource.js';
import { greStepArgv, planGre, type GreActual, type GreDesired, type GreStep } from './gre-plan.js';

/** The ports it is built with. */
export type GreResourceOptions = IfconfigPorts;

/** The GRE resource for one config.gre.tunnels entry. Names are checked when it is built. */
export class GreResource implements Resource<GreDesired, GreActual, GreStep> {
  readonly id: string;
  readonly kind = 'gre' as const;
  readonly lane = 'local' as const;
  private readonly reader: IfconfigReader;
  private lastUp: boolean | null = null;

  constructor(
    private readonly tunnel: GreTunnelConfig,
    private readonly options: GreResourceOptions,
  ) {
    validateInterfaceName(tunnel.interface);
    if (tunnel.tunnel) [tunnel.tunnel.source, tunnel.tunnel.destination].forEach(validateIpAddress);
    if (tunnel.inner) [tunnel.inner.local, tunnel.inner.remote].forEach(validateIpAddress);
    this.id = `gre:${tunnel.interface}`;
    this.reader = options.reader ?? new IfconfigReader(options.host, options.ifconfig, { timeoutMs: options.timeoutMs });
  }

  desired(context: DesiredContext): GreDesired {
    const desired: GreDesired = {
      interface: this.tunnel.interface,
      up: this.tunnel.mode === 'always-up' || context.target === 'MASTER' || context.keepPath,
      create: this.tunnel.create,
    };
    if (this.tunnel.tunnel) desired.tunnel = { ...this.tunnel.tunnel };
    if (this.tunnel.inner) desired.inner = { ...this.tunnel.inner };
    return desired;
  }

  async observe(ctx: ResourceContext): Promise<GreActual> {
    const iface = await this.reader.read(this.tunnel.interface, ctx.signal);
    this.lastUp = iface === null ? null : iface.up;
    if (iface === null) return { exists: false };
    return { exists: true, up: iface.up, running: iface.running, tunnel: iface.tunnel && { source: iface.tunnel.source, destination: iface.tunnel.destination }, addresses: iface.addresses };
  }

  plan(desired: GreDesired, actual: GreActual): Plan<GreStep> {
    return planGre(desired, actual);
  }

  async apply(step: GreStep, ctx: ResourceContext): Promise<ApplyResult | void> {
    await this.options.host.run(greStepArgv(this.options.ifconfig, step), { signal: ctx.signal, timeoutMs: this.options.timeoutMs });
  }

  describe(step: GreStep): string {
    return greStepArgv(this.options.ifconfig, step).join(' ');
  }

  status(): GreStatus {
    return { kind: 'gre', interface: this.tunnel.interface, mode: this.tunnel.mode, up: this.lastUp };
  }
}
