// Builds the lab's network: upstream (OVH's edge and "the Internet"), two routers, the CARP
// segment, the tunnel links and the hypervisor's bridge. See plan.ts for the picture. GRE does not
// exist on this kernel: each router's "gre0" is a veth to upstream, taken up and down the way
// `ifconfig gre0 up|down` would. How upstream delivers the IPFO depends on the strategy (edge.ts).
import { nsExec } from '../support/netns.js';
import { routeIpfoToRouter } from './edge.js';
import { Lab } from './lab.js';
import {
  EDGE_IF, EDGE_PORT, HV_BRIDGE, IPFO, NS_HV, NS_SEG, NS_UP, ROUTERS, SEGMENT_HOST, SEGMENT_PREFIXLEN, UPSTREAM_ADDR,
  externalRoutes, tunnelRoutes, type RouterPlan, type Strategy,
} from './plan.js';

/** Creates the namespaces and links; on any failure removes what it made and rethrows. */
export function buildTopology(lab: Lab = new Lab(), strategy: Strategy = 'move'): Lab {
  try {
    const { netns } = lab;
    netns.addNamespace('up');
    netns.addNamespace('seg');
    netns.addNamespace('hv');
    netns.addBridge(NS_SEG, 'br0');
    // A host on the CARP segment, to ping the VIP across a handover.
    netns.addAddress(NS_SEG, 'br0', `${SEGMENT_HOST}/${SEGMENT_PREFIXLEN}`);
    netns.addBridge(NS_HV, HV_BRIDGE);
    netns.addAddress(NS_UP, 'lo', `${UPSTREAM_ADDR}/32`);
    netns.addVeth(NS_UP, EDGE_IF, NS_HV, EDGE_PORT);
    nsExec(NS_HV, ['ip', 'link', 'set', EDGE_PORT, 'master', HV_BRIDGE]);
    for (const router of Object.values(ROUTERS)) buildRouter(lab, router, strategy);
    // Where OVH sends the IPFO until the mock says otherwise: router A.
    routeIpfoToRouter(strategy, ROUTERS.ra);
    return lab;
  } catch (error) {
    lab.teardown();
    throw error;
  }
}

function buildRouter(lab: Lab, r: RouterPlan, strategy: Strategy): void {
  const { netns } = lab;
  netns.addNamespace(r.id);
  netns.addVeth(r.ns, r.carpIf, NS_SEG, r.segPort);
  nsExec(NS_SEG, ['ip', 'link', 'set', r.segPort, 'master', 'br0']);
  netns.addAddress(r.ns, r.carpIf, `${r.carpAddr}/${SEGMENT_PREFIXLEN}`);
  buildExternal(lab, r, strategy);
  netns.addVeth(r.ns, r.greIf, NS_UP, r.upIf);
  for (const [ns, ifname] of [[r.ns, r.greIf], [NS_UP, r.upIf]] as const) {
    nsExec(ns, ['ip', 'link', 'set', ifname, 'mtu', '1476']);
  }
  netns.addAddress(r.ns, r.greIf, `${r.greLocal}/30`);
  netns.addAddress(NS_UP, r.upIf, `${r.greRemote}/30`);
  nsExec(r.ns, ['sysctl', '-q', '-w', `net.ipv4.ip_default_ttl=${r.ttl}`, 'net.ipv4.ip_forward=1']);
  addTunnelRoutes(r, strategy);
  for (const dest of externalRoutes(strategy)) nsExec(r.ns, ['ip', 'route', 'replace', dest, 'dev', r.extIf]);
  noArp(r);
  // A queue on upstream's end: a packet toward a router whose tunnel is down is then dropped
  // after sendmsg returned (as on a real network), not refused with ENOBUFS by the veth.
  nsExec(NS_UP, ['tc', 'qdisc', 'replace', 'dev', r.upIf, 'root', 'pfifo', 'limit', '1000']);
}

/**
 * The router's NIC on the hypervisor's bridge: the NIC's own MAC (or, with `vmac`, the router's
 * vMAC, which the hypervisor gives the VM's NIC for good), the IPFO on it, and arp_notify so that
 * a MAC change announces itself with gratuitous ARPs, as FreeBSD does (sys/netinet/if_ether.c
 * arp_iflladdr → arp_handle_ifllchange → arp_ifinit): the bridge then learns the MAC's new port.
 */
function buildExternal(lab: Lab, r: RouterPlan, strategy: Strategy): void {
  lab.netns.addVeth(r.ns, r.extIf, NS_HV, r.hvPort);
  nsExec(NS_HV, ['ip', 'link', 'set', r.hvPort, 'master', HV_BRIDGE]);
  nsExec(r.ns, ['sysctl', '-q', '-w', 'net.ipv4.conf.all.arp_notify=1', `net.ipv4.conf.${r.extIf}.arp_notify=1`]);
  nsExec(r.ns, ['ip', 'link', 'set', r.extIf, 'address', strategy === 'vmac' ? r.vmac : r.nicMac]);
  lab.netns.addAddress(r.ns, r.extIf, `${IPFO}/32`);
}

/**
 * A tunnel link without ARP, like GRE (IFF_NOARP): both veth ends share one MAC, so a frame sent
 * to the "neighbour" (the device's own address under NOARP) is addressed to the peer too. With
 * ARP, a ping toward a tunnel that is down fills the unresolved-neighbour queue, sendmsg fails
 * with ENOBUFS and iputils ping backs off for seconds, blurring the measured outage (and zebra
 * manages those entries, so pinning them does not hold).
 */
function noArp(r: RouterPlan): void {
  const [link] = JSON.parse(nsExec(r.ns, ['ip', '-j', 'link', 'show', r.greIf])) as Array<{ address: string }>;
  nsExec(NS_UP, ['ip', 'link', 'set', r.upIf, 'address', link!.address]);
  nsExec(NS_UP, ['ip', 'link', 'set', r.upIf, 'arp', 'off']);
  nsExec(r.ns, ['ip', 'link', 'set', r.greIf, 'arp', 'off']);
}

function addTunnelRoutes(r: RouterPlan, strategy: Strategy): void {
  for (const dest of tunnelRoutes(strategy)) nsExec(r.ns, ['ip', 'route', 'replace', dest, 'via', r.greRemote, 'dev', r.greIf]);
}

/** Takes a router's tunnel link up or down (what `ifconfig gre0 up|down` does on FreeBSD). */
export function setTunnel(r: RouterPlan, up: boolean, strategy: Strategy = 'move'): void {
  nsExec(r.ns, ['ip', 'link', 'set', r.greIf, up ? 'up' : 'down']);
  if (up) addTunnelRoutes(r, strategy);
}
