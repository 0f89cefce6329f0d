// Builds the lab's network: upstream, two routers, the CARP segment and the tunnel links.
// See plan.ts for the picture. GRE does not exist on this kernel: each router's "gre0" is a veth
// to upstream, taken up and down the way `ifconfig gre0 up|down` would.
import { nsExec } from '../support/netns.js';
import { Lab } from './lab.js';
import { IPFO, NS_SEG, NS_UP, ROUTERS, SEGMENT_PREFIXLEN, UPSTREAM_ADDR, tunnelRoutes, type RouterPlan } from './plan.js';

/** Creates the namespaces and links; on any failure removes what it made and rethrows. */
export function buildTopology(lab: Lab = new Lab()): Lab {
  try {
    const { netns } = lab;
    netns.addNamespace('up');
    netns.addNamespace('seg');
    netns.addBridge(NS_SEG, 'br0');
    netns.addAddress(NS_UP, 'lo', `${UPSTREAM_ADDR}/32`);
    for (const router of Object.values(ROUTERS)) buildRouter(lab, router);
    // Where OVH routes the IPFO until the mock says otherwise: router A's tunnel.
    routeIpfoVia(ROUTERS.ra);
    return lab;
  } catch (error) {
    lab.teardown();
    throw error;
  }
}

function buildRouter(lab: Lab, r: RouterPlan): void {
  const { netns } = lab;
  netns.addNamespace(r.id);
  netns.addVeth(r.ns, r.carpIf, NS_SEG, r.segPort);
  nsExec(NS_SEG, ['ip', 'link', 'set', r.segPort, 'master', 'br0']);
  netns.addAddress(r.ns, r.carpIf, `${r.carpAddr}/${SEGMENT_PREFIXLEN}`);
  netns.addVeth(r.ns, r.greIf, NS_UP, r.upIf);
  for (const [ns, ifname] of [[r.ns, r.greIf], [NS_UP, r.upIf]] as const) {
    nsExec(ns, ['ip', 'link', 'set', ifname, 'mtu', '1476']);
  }
  netns.addAddress(r.ns, r.greIf, `${r.greLocal}/30`);
  netns.addAddress(NS_UP, r.upIf, `${r.greRemote}/30`);
  netns.addAddress(r.ns, 'lo', `${IPFO}/32`);
  nsExec(r.ns, ['sysctl', '-q', '-w', `net.ipv4.ip_default_ttl=${r.ttl}`, 'net.ipv4.ip_forward=1']);
  addTunnelRoutes(r);
  noArp(r);
  // A queue on upstream's end: a packet toward a router whose tunnel is down is then dropped
  // after sendmsg returned (as on a real network), not refused with ENOBUFS by the veth.
  nsExec(NS_UP, ['tc', 'qdisc', 'replace', 'dev', r.upIf, 'root', 'pfifo', 'limit', '1000']);
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

function addTunnelRoutes(r: RouterPlan): void {
  for (const dest of tunnelRoutes()) nsExec(r.ns, ['ip', 'route', 'replace', dest, 'via', r.greRemote, 'dev', r.greIf]);
}

/** Upstream's route for the IPFO: what OVH's routing does when the IP is moved to router r. */
export function routeIpfoVia(r: RouterPlan): void {
  nsExec(NS_UP, ['ip', 'route', 'replace', `${IPFO}/32`, 'via', r.greLocal]);
}

/** The router upstream currently sends the IPFO to, from its routing table. */
export function ipfoRoute(): RouterPlan | undefined {
  const out = nsExec(NS_UP, ['ip', '-j', 'route', 'show', `${IPFO}/32`]);
  const [route] = JSON.parse(out || '[]') as Array<{ gateway?: string }>;
  return Object.values(ROUTERS).find((r) => r.greLocal === route?.gateway);
}

/** Takes a router's tunnel link up or down (what `ifconfig gre0 up|down` does on FreeBSD). */
export function setTunnel(r: RouterPlan, up: boolean): void {
  nsExec(r.ns, ['ip', 'link', 'set', r.greIf, up ? 'up' : 'down']);
  if (up) addTunnelRoutes(r);
}
