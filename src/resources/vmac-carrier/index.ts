// What the wiring (src/resources/build.ts) takes from the carrier: one resource per carrier
// interface of the config's shared-vmac failover IPs, none without them.
import type { Config, SharedVmacConfig } from '../../config/schema.js';
import type { IfconfigReader } from '../../host/freebsd/ifconfig-reader.js';
import type { Host } from '../../host/ports.js';
import { createVmacCarriers, type VmacCarrierResource } from './resource.js';

export { VmacCarrierResource } from './resource.js';

/** The carriers of a config, with the daemon's ifconfig, timeout and shared reader. */
export function buildVmacCarriers(config: Config, deps: { host: Host; reader?: IfconfigReader }): VmacCarrierResource[] {
  const entries = config.ovh.ips.filter((ip): ip is SharedVmacConfig => ip.strategy === 'shared-vmac');
  return createVmacCarriers(entries, { host: deps.host, ifconfig: config.commands.ifconfig, reader: deps.reader, timeoutMs: config.commands.timeout_ms });
}
