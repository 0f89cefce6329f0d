// The shared-vMAC carrier (strategy shared-vmac) as a local-lane resource: the interface on the
// hypervisor's bridge wears OVH's shared vMAC while this node is MASTER (or keeps the path) and
// its own hardware MAC otherwise. It never talks to OVH: a failover is ifconfig alone, and OVH
// being down changes nothing here. See plan.ts for the FreeBSD sequence and why.
import type { SharedVmacConfig } from '../../config/schema.js';
import { validateInterfaceName, validateMacAddress } from '../../host/validate.js';
import { IfconfigReader, type IfconfigPorts } from '../../host/freebsd/ifconfig-reader.js';
import type { ParsedInterface } from '../../host/freebsd/ifconfig-model.js';
import type { ApplyResultV2, DesiredContext, Mastership, Plan, ResourceContextV2, ResourceV2, VmacCarrierStatus } from '../contract.js';
import { vmacCarrierArgv } from './argv.js';
import { planVmacCarrier, type VmacCarrierActual, type VmacCarrierDesired, type VmacCarrierStep } from './plan.js';

/** The ports it is built with. */
export type VmacCarrierOptions = IfconfigPorts;

/** One carrier per interface (several IPFOs on one shared vMAC share it). Names checked when built. */
export class VmacCarrierResource implements ResourceV2<VmacCarrierDesired, VmacCarrierActual, VmacCarrierStep> {
  readonly id: string;
  readonly kind = 'vmac' as const;
  readonly lane = 'local' as const;
  private readonly reader: IfconfigReader;
  private last: VmacCarrierActual | null = null;

  constructor(
    private readonly ip: SharedVmacConfig,
    private readonly options: VmacCarrierOptions,
  ) {
    validateInterfaceName(ip.interface);
    validateMacAddress(ip.vmac);
    if (ip.restore_mac !== null) validateMacAddress(ip.restore_mac);
    this.id = `vmac:${ip.interface}`;
    this.reader = options.reader ?? new IfconfigReader(options.host, options.ifconfig, { timeoutMs: options.timeoutMs });
  }

  desired(context: DesiredContext): VmacCarrierDesired {
    // keepPath: the engine says a path OVH may still use ends here: keep it until it says not.
    return { interface: this.ip.interface, carry: context.target === 'MASTER' || context.keepPath, vmac: this.ip.vmac, restoreMac: this.ip.restore_mac };
  }

  async observe(ctx: ResourceContextV2): Promise<VmacCarrierActual> {
    const iface = await this.reader.read(this.ip.interface, ctx.signal);
    this.last = iface === null ? { exists: false } : actualOf(iface, this.ip.vmac);
    return this.last;
  }

  plan(desired: VmacCarrierDesired, actual: VmacCarrierActual, _mastership: Mastership): Plan<VmacCarrierStep> {
    return planVmacCarrier(desired, actual);
  }

  async apply(step: VmacCarrierStep, ctx: ResourceContextV2): Promise<ApplyResultV2 | void> {
    await this.options.host.run(vmacCarrierArgv(this.options.ifconfig, step), { signal: ctx.signal, timeoutMs: this.options.timeoutMs });
    // ifconfig exited 0: status shows the change now, not one reconcile period later.
    if (this.last?.exists) this.last = step.kind === 'up' ? { ...this.last, up: true } : { ...this.last, ether: step.mac };
    ctx.log.info({ interface: step.interface, step: step.kind, mac: step.kind === 'ether' ? step.mac : undefined, why: step.kind === 'ether' ? step.why : undefined }, step.kind === 'ether' && step.why === 'carry' ? 'carrying the shared vMAC' : 'vMAC carrier step');
  }

  describe(step: VmacCarrierStep): string {
    return vmacCarrierArgv(this.options.ifconfig, step).join(' ');
  }

  status(): VmacCarrierStatus {
    const last = this.last;
    return {
      kind: 'vmac',
      interface: this.ip.interface,
      vmac: this.ip.vmac,
      hwaddr: last?.exists ? (last.hardware ?? this.ip.restore_mac) : null,
      carrying: last === null ? null : last.exists && last.ether === this.ip.vmac,
    };
  }
}

/** The NIC's own MAC is the hwaddr line; without one, ether is it unless ether is the vMAC. */
function actualOf(iface: ParsedInterface, vmac: string): VmacCarrierActual {
  const ether = iface.ether ?? null;
  const hardware = iface.hwaddr ?? (ether !== null && ether !== vmac ? ether : null);
  return { exists: true, up: iface.up, ether, hardware };
}

/** One carrier per distinct interface among the shared-vmac IPs, in config order. */
export function createVmacCarriers(ips: readonly SharedVmacConfig[], options: VmacCarrierOptions): VmacCarrierResource[] {
  const seen = new Set<string>();
  return ips.filter((ip) => !seen.has(ip.interface) && seen.add(ip.interface)).map((ip) => new VmacCarrierResource(ip, options));
}
