// Cross-checks of the shared-vmac entries of ovh.ips, which the per-key schema cannot express.
// An interface has one link-level address at a time, so one carrier interface means one vMAC and
// one vMAC means one carrier; a gre(4) tunnel has no Ethernet address to set (if_setlladdr
// answers ENODEV for it); the vMAC is OVH's, unicast, and never CARP's own 00:00:5e:00:01:vhid
// (that one cannot be chosen at OVH, and CARP already answers ARP with it).
import type { CrossProblem } from './cross-problem.js';
import type { Config, SharedVmacConfig } from './schema.js';

/** IANA's VRRP/CARP MAC prefixes (RFC 5798 §7.3): 00-00-5E-00-01-{VRID}, and -02- for IPv6. */
const VRRP_PREFIXES = ['00:00:5e:00:01:', '00:00:5e:00:02:'];

/** Every problem of the shared-vmac entries, each at its key path. */
export function sharedVmacProblems(config: Config): CrossProblem[] {
  const problems: CrossProblem[] = [];
  const at = (index: number, key: string, reason: string) => problems.push({ path: ['ovh', 'ips', index, key], reason });
  const greInterfaces = new Set(config.gre.tunnels.map((t) => t.interface));
  const perRouterVmacs = new Set(config.ovh.ips.flatMap((ip) => (ip.strategy === 'vmac' ? [ip.vmac] : [])));
  const byInterface = new Map<string, { index: number; vmac: string }>();
  const byVmac = new Map<string, { index: number; interface: string }>();
  config.ovh.ips.forEach((ip, index) => {
    if (ip.strategy !== 'shared-vmac') return;
    const entry: SharedVmacConfig = ip;
    if (greInterfaces.has(entry.interface)) at(index, 'interface', `${entry.interface} is a GRE tunnel (gre.tunnels): it has no Ethernet address to carry the vMAC; name the interface on the hypervisor's bridge`);
    if (Number.parseInt(entry.vmac.slice(0, 2), 16) & 1) at(index, 'vmac', `${entry.vmac} is a multicast address (I/G bit set): no interface can take it; copy the vMAC OVH generated`);
    if (VRRP_PREFIXES.some((p) => entry.vmac.startsWith(p))) at(index, 'vmac', `${entry.vmac} is CARP's own virtual MAC (00:00:5e:00:01:vhid): OVH cannot bind an IP to it; use the vMAC OVH generated (carp-failover ovh vmac create --shared)`);
    if (perRouterVmacs.has(entry.vmac)) at(index, 'vmac', `${entry.vmac} is also a per-router vMAC of a strategy vmac entry, which moves IPs off it; the shared vMAC must be used by shared-vmac entries only`);
    if (entry.restore_mac === entry.vmac) at(index, 'restore_mac', 'must differ from vmac: it is what the interface wears while not carrying the vMAC');
    const sameInterface = byInterface.get(entry.interface);
    if (sameInterface && sameInterface.vmac !== entry.vmac) at(index, 'vmac', `${entry.interface} already carries ${sameInterface.vmac} (ovh.ips[${sameInterface.index}]): one interface has one MAC at a time`);
    const sameVmac = byVmac.get(entry.vmac);
    if (sameVmac && sameVmac.interface !== entry.interface) at(index, 'interface', `the vMAC ${entry.vmac} is carried on ${sameVmac.interface} (ovh.ips[${sameVmac.index}]): two ports sourcing one MAC make the bridge flap`);
    if (!sameInterface) byInterface.set(entry.interface, { index, vmac: entry.vmac });
    if (!sameVmac) byVmac.set(entry.vmac, { index, interface: entry.interface });
  });
  return problems;
}
