// What strategy shared-vmac changes in the failover IP resource: the IP stays bound to one shared
// vMAC whoever is MASTER, so a read that finds it elsewhere means someone re-bound it (said
// loudly, repaired by a stable MASTER), and when that vMAC vanished OVH cannot give it back.
import type { Logger } from 'pino';
import type { FailoverIpConfig } from '../../config/schema.js';

type VmacLike = Extract<FailoverIpConfig, { strategy: 'vmac' | 'shared-vmac' }>;

/** The error log of a MASTER's read that found the IP off the shared vMAC. */
export function reportSharedVmacLost(log: Logger, ip: VmacLike, target: string | null, vmacExists: boolean): void {
  log.error({ ip: ip.ip, target, vmac: ip.vmac, vmacExists }, 'shared vMAC binding lost: the failover IP is not on the shared vMAC (re-bound at OVH behind our back)');
}

/** Why no claim can be made when the vMAC the strategy binds to does not exist at OVH. */
export function missingVmacReason(ip: VmacLike): string {
  if (ip.strategy === 'shared-vmac') {
    return (
      `the shared vMAC ${ip.vmac} no longer exists on ${ip.service} (OVH deleted it with its last IP: someone took ${ip.ip} off it). ` +
      'OVH cannot recreate a given MAC: run `carp-failover ovh vmac create --shared`, then set the new MAC in ovh.ips[].vmac on both routers'
    );
  }
  return `vMAC ${ip.vmac} does not exist on ${ip.service} (a vMAC disappears with its last IP: keep this router's own IP on it, or create one with \`carp-failover ovh vmac create\` and set ovh.ips[].vmac)`;
}
