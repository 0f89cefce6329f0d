// OVH's edge in the lab: how upstream delivers the failover IP, per strategy. With `move` OVH
// routes the IPFO to the server it is moved to (here: toward that router's tunnel). With `vmac`
// and `shared-vmac` it sends the IPFO's frames to the vMAC it is bound to, on the hypervisor's
// bridge, through a permanent neighbour entry (OVH's edge never ARPs for an IPFO); the bridge
// delivers them to the port it learned that MAC on. The OVH mock's binding drives both.
import { nsExec } from '../support/netns.js';
import { EDGE_IF, HV_BRIDGE, IPFO, NS_HV, NS_UP, ROUTERS, SHARED_VMAC, type RouterPlan, type Strategy } from './plan.js';

/** Upstream routes the IPFO toward router r's tunnel (`move`: OVH routes it to r's server). */
export function routeIpfoVia(r: RouterPlan): void {
  nsExec(NS_UP, ['ip', 'route', 'replace', `${IPFO}/32`, 'via', r.greLocal]);
}

/** Upstream sends the IPFO to this MAC on the hypervisor's bridge; null (unbound): drops it. */
export function sendIpfoToMac(mac: string | null): void {
  if (mac === null) {
    nsExec(NS_UP, ['ip', 'route', 'replace', 'blackhole', `${IPFO}/32`]);
    return;
  }
  nsExec(NS_UP, ['ip', 'neigh', 'replace', IPFO, 'lladdr', mac, 'dev', EDGE_IF, 'nud', 'permanent']);
  nsExec(NS_UP, ['ip', 'route', 'replace', `${IPFO}/32`, 'dev', EDGE_IF]);
}

/** The vMAC the IPFO is bound to at start: the shared one, or router r's own. */
export function initialVmac(strategy: Strategy, r: RouterPlan): string {
  return strategy === 'shared-vmac' ? SHARED_VMAC : r.vmac;
}

/** Where OVH sends the IPFO when it is bound to router r (at start, or a move done). */
export function routeIpfoToRouter(strategy: Strategy, r: RouterPlan): void {
  if (strategy === 'move') routeIpfoVia(r);
  else sendIpfoToMac(initialVmac(strategy, r));
}

/** The MAC upstream sends the IPFO to, or null when it routes it otherwise (move) or drops it. */
export function edgeMac(): string | null {
  const [route] = JSON.parse(nsExec(NS_UP, ['ip', '-j', 'route', 'show', `${IPFO}/32`]) || '[]') as Array<{ dev?: string; type?: string }>;
  if (route?.dev !== EDGE_IF || route.type === 'blackhole') return null;
  const [neigh] = JSON.parse(nsExec(NS_UP, ['ip', '-j', 'neigh', 'show', IPFO, 'dev', EDGE_IF]) || '[]') as Array<{ lladdr?: string }>;
  return neigh?.lladdr ?? null;
}

/** The hypervisor bridge's port for a MAC (what it learned), or null. */
export function bridgePortOf(mac: string): string | null {
  const fdb = JSON.parse(nsExec(NS_HV, ['bridge', '-j', 'fdb', 'show', 'br', HV_BRIDGE]) || '[]') as Array<{ mac: string; ifname?: string; flags?: string[] }>;
  return fdb.find((e) => e.mac === mac.toLowerCase() && !(e.flags ?? []).includes('self'))?.ifname ?? null;
}

/** The router upstream delivers the IPFO to right now: by route (move) or by MAC and bridge port. */
export function ipfoRoute(): RouterPlan | undefined {
  const out = nsExec(NS_UP, ['ip', '-j', 'route', 'show', `${IPFO}/32`]);
  const [route] = JSON.parse(out || '[]') as Array<{ gateway?: string; dev?: string }>;
  if (route?.gateway) return Object.values(ROUTERS).find((r) => r.greLocal === route.gateway);
  const mac = edgeMac();
  const port = mac === null ? null : bridgePortOf(mac);
  return Object.values(ROUTERS).find((r) => r.hvPort === port);
}

/** The MAC a router's external interface carries now. */
export function externalMac(r: RouterPlan): string {
  const [link] = JSON.parse(nsExec(r.ns, ['ip', '-j', 'link', 'show', r.extIf])) as Array<{ address: string }>;
  return link!.address;
}
