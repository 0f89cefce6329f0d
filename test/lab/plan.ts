// The lab's fixed plan: names and addresses (documentation ranges only), shared by every module.
//
//   cfl-up (upstream, lo 203.0.113.1)
//     tra 198.51.100.2/30 ── gre0 198.51.100.1/30  cfl-ra  vtnet0 192.0.2.2/24 ─┐
//     trb 198.51.100.6/30 ── gre0 198.51.100.5/30  cfl-rb  vtnet0 192.0.2.3/24 ─┴ br0 (cfl-seg)
//   CARP vhid 1, VIP 192.0.2.1/24 on vtnet0; IPFO 203.0.113.10/32 on both routers' lo.

/** Namespace prefix of everything the lab creates. */
export const PREFIX = 'cfl';
export const NS_UP = 'cfl-up';
export const NS_SEG = 'cfl-seg';

export type RouterId = 'ra' | 'rb';
export const ROUTER_IDS: readonly RouterId[] = ['ra', 'rb'];

export const VHID = 1;
export const VIP = '192.0.2.1';
export const SEGMENT_PREFIXLEN = 24;
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
 * Router b's advskew: 1, not the usual 100, so that ucarp takes over when FreeBSD would. A
 * BACKUP ucarp checks its master-down timer only when poll() returns, and with no packet that is
 * every advbase + advskew/256 s (ucarp's docarp()), so it takes over at the first such wake after
 * 3 × advbase + advskew/256 s: with 100 that is 3 × 1.39 = 4.17 s instead of 3.39 s. FreeBSD arms
 * a callout for exactly that time (ip_carp.c carp_setrun()). With 1, ucarp is 8 ms late. a (0)
 * still wins elections and preempts; any demotion of a (≥ 2) hands MASTER to b.
 */
export const B_ADVSKEW = 1;

export const ROUTERS: Record<RouterId, RouterPlan> = {
  ra: {
    id: 'ra', ns: 'cfl-ra', node: 'router-a', carpIf: 'vtnet0', carpAddr: '192.0.2.2', segPort: 'sra',
    greIf: 'gre0', greLocal: '198.51.100.1', greRemote: '198.51.100.2', upIf: 'tra',
    tunnelSource: '192.0.2.2', tunnelDestination: '198.51.100.254', advskew: 0, ttl: 64,
    service: 'ns3000001.ip-198-51-100.eu',
  },
  rb: {
    id: 'rb', ns: 'cfl-rb', node: 'router-b', carpIf: 'vtnet0', carpAddr: '192.0.2.3', segPort: 'srb',
    greIf: 'gre0', greLocal: '198.51.100.5', greRemote: '198.51.100.6', upIf: 'trb',
    tunnelSource: '192.0.2.3', tunnelDestination: '198.51.100.254', advskew: B_ADVSKEW, ttl: 65,
    service: 'ns3000002.ip-198-51-100.eu',
  },
};

/**
 * Static routes each router keeps through its tunnel: the reply path to upstream's address, so
 * that replies from the IPFO do not wait for OSPF (in production they leave by the router's own
 * uplink). FreeBSD keeps them across `ifconfig gre0 down/up`; Linux does not, so the stand-in
 * and the lab re-add them on up.
 */
export function tunnelRoutes(): string[] {
  return [`${UPSTREAM_ADDR}/32`];
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
