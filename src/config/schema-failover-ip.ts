// ovh.ips[]: one failover IP and the strategy that makes it follow CARP (docs/ovh.md), kept apart
// from schema.ts so each stays small; docs/configuration.md documents every key.
import { z } from 'zod';
import { interfaceName, ipv4Block, ovhServiceName } from './fields.js';

/** A MAC as ifconfig prints it (ether_ntoa: lower-case hex, colons). */
export const MAC_ADDRESS = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;
const macAddress = z.string().regex(MAC_ADDRESS, 'must be a lower-case MAC such as 02:00:00:ff:3e:98');

/** One entry of ovh.ips[], by strategy. */
export const failoverIp = z.discriminatedUnion('strategy', [
  z.strictObject({
    ip: ipv4Block,
    strategy: z.literal('shared-vmac'),
    /** The dedicated server (hypervisor) both router VMs are bridged on. */
    service: ovhServiceName,
    /** The one vMAC OVH generated for the virtual interface, bound to the IP once; the MASTER carries it. */
    vmac: macAddress,
    /** The router interface on the hypervisor's bridge that carries the vMAC while MASTER. */
    interface: interfaceName,
    /** virtualMachineName sent when the binding is repaired (re-added to the shared vMAC). */
    vm_name: z.string().min(1).max(64),
    /** The MAC put back on BACKUP when ifconfig prints no `hwaddr` line (vlan, lagg); null: the NIC's hwaddr. */
    restore_mac: macAddress.nullable().default(null),
  }),
  z.strictObject({
    ip: ipv4Block,
    strategy: z.literal('vmac'),
    /** The dedicated server (hypervisor) the routers run on, e.g. ns3000000.ip-198-51-100.eu. */
    service: ovhServiceName,
    /** This router's virtual MAC on that server (see `carp-failover ovh vmac create`). */
    vmac: macAddress,
    /** virtualMachineName sent with the binding. */
    vm_name: z.string().min(1).max(64),
  }),
  z.strictObject({
    ip: ipv4Block,
    strategy: z.literal('move'),
    /** This router's dedicated server: where the IP is routed while this node is MASTER. */
    service: ovhServiceName,
  }),
]);

