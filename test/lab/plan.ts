// The lab's fixed plan: names and addresses (documentation ranges only), shared by every module.
//
//   cfl-up (upstream, lo 203.0.113.1)
//     tra 198.51.100.2/30 ── gre0 198.51.100.1/30  cfl-ra  vtnet0 192.0.2.2/24 ─┐
//     trb 198.51.100.6/30 ── gre0 198.51.100.5/30  cfl-rb  vtnet0 192.0.2.3/24 ─┴ br0 (cfl-seg)
//     ovh0 ── hv0 (cfl-hv, the hypervisor's bridge) ── vtnet1 of cfl-ra and of cfl-rb
//   CARP vhid 1, VIP 192.0.2.1/24 on vtnet0; IPFO 203.0.113.10/32 on both routers' vtnet1.

/** Namespace prefix of everything the lab creates. */
export const PREFIX = 'cfl';
export const NS_UP = 'cfl-up';
export const NS_SEG = 'cfl-seg';
/** The hypervisor: a Linux bridge between OVH's edge (upstream's ovh0) and the routers' vtnet1. */
export const NS_HV = 'cfl-hv';
export const HV_BRIDGE = 'hv0';
/** Upstream's port on the hypervisor's bridge (OVH's edge), and its peer in cfl-hv. */
export const EDGE_IF = 'ovh0';
export const EDGE_PORT = 'hup';

/** How OVH gets the IPFO to the MASTER (docs/ovh.md): the lab models each one's data path. */
export type Strategy = 'move' | 'vmac' | 'shared-vmac';
export const STRATEGIES: readonly Strategy[] = ['shared-vmac', 'vmac', 'move'];
/** The vMAC generated once at OVH for the routers' virtual interface (shared-vmac), bound to the IPFO. */
export const SHARED_VMAC = '02:00:00:c4:12:01';
/** The OVH dedicated server both router VMs run on, with the vMAC strategies (one hypervisor). */
export const HYPERVISOR = 'ns3000000.ip-198-51-100.eu';

export type RouterId = 'ra' | 'rb';
export const ROUTER_IDS: readonly RouterId[] = ['ra', 'rb'];

export const VHID = 1;
export const VIP = '192.0.2.1';
export const SEGMENT_PREFIXLEN = 24;
/** A host on the CARP segment (cfl-seg's bridge), which pings the VIP across handovers. */
export const SEGMENT_HOST = '192.0.2.254';
/** The internal prefix both routers advertise in OSPF (the CARP segment, passive). */
export const INTERNAL_PREFIX = '192.0.2.0/24';
/** The OVH failover IP, answered by whichever router receives it. */
export const IPFO = '203.0.113.10';
/** Upstream's own address, the source of the continuous ping ("the Internet"). */
export const UPSTREAM_ADDR = '203.0.113.1';
export const CARP_PASSWORD = 'cfl-lab';
export const ADVBASE = 1;

export interface RouterPlan {
  id: RouterId;
  ns: string;
  /** The service's node name. */
  node: string;
  carpIf: string;
  carpAddr: string;
  /** The external interface on the hypervisor's bridge, where OVH delivers the IPFO by MAC. */
  extIf: string;
  /** Its bridge port in cfl-hv. */
  hvPort: string;
  /** The MAC the hypervisor gave the router's NIC (bhyve/QEMU style). */
  nicMac: string;
  /** This router's own vMAC at OVH (the `vmac` strategy: the NIC carries it for good). */
  vmac: string;
  /** The router's own additional IP on its vMAC: OVH deletes a vMAC with its last IP, the IPFO moves. */
  vmacOwnIp: string;
  /** Bridge port in cfl-seg. */
  segPort: string;
  greIf: string;
  greLocal: string;
  greRemote: string;
  /** Upstream's end of this router's tunnel link. */
  upIf: string;
  /** Outer endpoints shown on the gre0 `tunnel inet` line. */
  tunnelSource: string;
  tunnelDestination: string;
  advskew: number;
  /** IP TTL of this router's replies: tells, per ping reply, which router answered. */
  ttl: number;
  /** The OVH dedicated-server name the IPFO is moved to while this router is MASTER. */
  service: string;
}

/**
 * Router b's advskew: 100, a usual BACKUP's. keepalived's master-down timer fires exactly
 * (test/lab/keepalived.ts maps advskew to priority), so b takes over 3 × advbase + 100/256 s
 * after a's last advertisement, as FreeBSD's carp_setrun() callout does. a (0) wins elections
 * and preempts; a demotion of a above 100 hands MASTER to b.
 */
export const B_ADVSKEW = 100;

export const ROUTERS: Record<RouterId, RouterPlan> = {
  ra: {
    id: 'ra', ns: 'cfl-ra', node: 'router-a', carpIf: 'vtnet0', carpAddr: '192.0.2.2', segPort: 'sra',
    extIf: 'vtnet1', hvPort: 'hra', nicMac: '58:9c:fc:00:0a:01', vmac: '02:00:00:00:0a:01', vmacOwnIp: '203.0.113.20',
    greIf: 'gre0', greLocal: '198.51.100.1', greRemote: '198.51.100.2', upIf: 'tra',
    tunnelSource: '192.0.2.2', tunnelDestination: '198.51.100.254', advskew: 0, ttl: 64,
    service: 'ns3000001.ip-198-51-100.eu',
  },
  rb: {
    id: 'rb', ns: 'cfl-rb', node: 'router-b', carpIf: 'vtnet0', carpAddr: '192.0.2.3', segPort: 'srb',
    extIf: 'vtnet1', hvPort: 'hrb', nicMac: '58:9c:fc:00:0b:01', vmac: '02:00:00:00:0b:01', vmacOwnIp: '203.0.113.21',
    greIf: 'gre0', greLocal: '198.51.100.5', greRemote: '198.51.100.6', upIf: 'trb',
    tunnelSource: '192.0.2.3', tunnelDestination: '198.51.100.254', advskew: B_ADVSKEW, ttl: 65,
    service: 'ns3000002.ip-198-51-100.eu',
  },
};

/**
 * Static routes each router keeps through its tunnel with `move`: the reply path to upstream's
 * address, so that replies from the IPFO do not wait for OSPF (the IPFO arrives by the tunnel,
 * and upstream's reverse-path check wants the replies there too). FreeBSD keeps them across
 * `ifconfig gre0 down/up`; Linux does not, so the stand-in and the lab re-add them on up. With
 * the vMAC strategies the IPFO arrives on the external interface and the replies leave by it
 * (externalRoutes), as from a VM whose uplink is the hypervisor's bridge.
 */
export function tunnelRoutes(strategy: Strategy = 'move'): string[] {
  return strategy === 'move' ? [`${UPSTREAM_ADDR}/32`] : [];
}

/** Routes through the external interface (vMAC strategies): upstream answers ARP for its address there. */
export function externalRoutes(strategy: Strategy): string[] {
  return strategy === 'move' ? [] : [`${UPSTREAM_ADDR}/32`];
}

/** The MAC OVH's edge sends the IPFO to when it is bound to `mac`'s vMAC, by router (vmac strategy). */
export function routerForVmac(mac: string | null): RouterPlan | undefined {
  return Object.values(ROUTERS).find((r) => r.vmac === mac);
}

/** The router whose OVH service name is `service`, if any. */
export function routerForService(service: string | null): RouterPlan | undefined {
  return Object.values(ROUTERS).find((r) => r.service === service);
}

/** The router that answered a ping reply with this TTL. */
export function routerForTtl(ttl: number): RouterPlan | undefined {
  return Object.values(ROUTERS).find((r) => r.ttl === ttl);
}

/** CARP's own detection time for a router with this advskew: 3 × advbase + advskew/256 s. */
export function carpDetectionMs(advskew: number): number {
  return 3 * ADVBASE * 1000 + (advskew * 1000) / 256;
}
