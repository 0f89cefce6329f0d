// One configured gre(4) tunnel as a Resource: up on MASTER and down otherwise (follow-carp), or
// up always; with create, also its existence, tunnel endpoints and inner addresses.
import type { GreTunnelConfig } from '../../config/schema.js';
import { CarpFailoverError } from '../../errors.js';
import type { Host } from '../../host/ports.js';
import { validateInterfaceName, validateIpAddress } from '../../host/validate.js';
import type { TargetRole } from '../../model.js';
import { IfconfigReader } from '../../host/freebsd/ifconfig-reader.js';
import type { ApplyResult, Resource, ResourceContext } from '../resource.js';
import { greStepArgv, planGre, type GreActual, type GreDesired, type GreStep } from './gre-plan.js';

export interface GreResourceOptions {
  host: Host;
  /** Absolute path of ifconfig (config.commands.ifconfig). */
  ifconfig: string;
  /** Shared with the CARP observer so the libxo probe runs once; built here when absent. */
  reader?: IfconfigReader;
  timeoutMs?: number;
}

/** The GRE resource for one config.gre.tunnels entry. Names are checked when it is built. */
export class GreResource implements Resource<GreDesired, GreActual, GreStep> {
  readonly id: string;
  readonly kind = 'gre' as const;
  private readonly reader: IfconfigReader;

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

  desired(role: TargetRole): GreDesired {
    const desired: GreDesired = {
      interface: this.tunnel.interface,
      up: this.tunnel.mode === 'always-up' || role === 'MASTER',
      create: this.tunnel.create,
    };
    if (this.tunnel.tunnel) desired.tunnel = { ...this.tunnel.tunnel };
    if (this.tunnel.inner) desired.inner = { ...this.tunnel.inner };
    return desired;
  }

  async observe(ctx: ResourceContext): Promise<GreActual> {
    const iface = await this.reader.read(this.tunnel.interface, ctx.signal);
    if (iface === null) return { exists: false };
    return { exists: true, up: iface.up, running: iface.running, tunnel: iface.tunnel && { source: iface.tunnel.source, destination: iface.tunnel.destination }, addresses: iface.addresses };
  }

  plan(desired: GreDesired, actual: GreActual): GreStep[] {
    return planGre(desired, actual);
  }

  async apply(step: GreStep, ctx: ResourceContext): Promise<ApplyResult | void> {
    if (step.kind === 'missing') {
      throw new CarpFailoverError('INTERFACE_MISSING', `${step.interface} does not exist and gre.tunnels[].create is false: create it in rc.conf (cloned_interfaces) or set create: true`, {
        details: { interface: step.interface },
      });
    }
    await this.options.host.run(greStepArgv(this.options.ifconfig, step), { signal: ctx.signal, timeoutMs: this.options.timeoutMs });
  }

  describe(step: GreStep): string {
    return step.kind === 'missing' ? `${step.interface} is missing (not created: create is false)` : greStepArgv(this.options.ifconfig, step).join(' ');
  }
}
