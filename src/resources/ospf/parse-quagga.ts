// Quagga's text `show ip ospf interface [IFNAME]` and `show ip ospf neighbor` (Quagga has no
// JSON). Formats from ospfd/ospf_vty.c at quagga-1.2.4 (ddece19766), show_ip_ospf_interface_sub
// and show_ip_ospf_neighbor_sub:
//   "%s is %s"                                          ifp->name, up|down
//   "  OSPF not enabled on this interface"
//   "  OSPF is enabled, but not running on this interface"
//   "  Internet Address %s/%d," [" Peer|Broadcast %s,"] " Area %s"   (area may end " [Stub]"/" [NSSA]")
//   "  Router ID %s, Network Type %s, Cost: %d"
//   "  Transmit Delay is %d sec, State %s, Priority %d"
//   "    No Hellos (Passive interface)"
//   "  Neighbor Count is %d, Adjacent neighbor count is %d"
//   neighbours: "%-15s %3d %-15s " "%9s " "%-15s " "%-20s %5ld %5ld %5d" (show_ip_ospf_neighbor_sub)
//     router id, priority, "Full/DR" (ospf_nbr_state_message), dead time, source address,
//     IF_NAME(oi) = "eth0:192.0.2.1", retransmit/request/summary counts.
// "No such interface name" answers an unknown IFNAME: no interface, no error.
import { splitNeighborState, stripLocalAddress, type OspfInterfaceState, type OspfNeighbor } from './ospf-state.js';

const HEADER = /^(\S+) is (up|down)\b/;
const ADDRESS = /^Internet Address \S+,(?: (?:Peer|Broadcast) \S+,)? Area (.+)$/;
const ROUTER = /^Router ID \S+, Network Type (\S+), Cost: (\d+)$/;
const TRANSMIT = /^Transmit Delay is \d+ sec, State (\S+), Priority \d+$/;
const COUNTS = /^Neighbor Count is (\d+), Adjacent neighbor count is (\d+)$/;

/** Interfaces by name from Quagga's `show ip ospf interface [IFNAME]`. */
export function parseQuaggaInterfaces(text: string): Record<string, OspfInterfaceState> {
  const result: Record<string, OspfInterfaceState> = {};
  let current: OspfInterfaceState | null = null;
  for (const raw of text.split('\n')) {
    const header = HEADER.exec(raw); // headers start at column 0, details are indented
    if (header) {
      current = blank(header[1]!, header[2] === 'up');
      result[current.name] = current;
      continue;
    }
    if (current === null) continue;
    const line = raw.trim();
    let match: RegExpExecArray | null;
    if (line === 'OSPF not enabled on this interface') {
      // A down interface has lost its OSPF interfaces: "not enabled" is only meaningful while up.
      if (current.running) current.enabled = false;
      current.running = false;
    } else if (line === 'OSPF is enabled, but not running on this interface') {
      current.running = false;
    } else if ((match = ADDRESS.exec(line))) {
      current.area ??= match[1]!;
    } else if ((match = ROUTER.exec(line))) {
      current.networkType = match[1]!;
      current.cost = Number(match[2]);
    } else if ((match = TRANSMIT.exec(line))) {
      current.state = match[1]!;
    } else if (line === 'No Hellos (Passive interface)') {
      current.passive = true;
    } else if ((match = COUNTS.exec(line))) {
      current.neighborCount = Number(match[1]);
      current.adjacentCount = Number(match[2]);
    }
  }
  for (const iface of Object.values(result)) iface.running = iface.running && iface.cost !== null;
  return result;
}

/** Neighbours from Quagga's `show ip ospf neighbor` (FRR's text form, with its extra Up Time column, too). */
export function parseQuaggaNeighbors(text: string): OspfNeighbor[] {
  const result: OspfNeighbor[] = [];
  for (const raw of text.split('\n')) {
    // Router id (or "-"), priority, state, [up time: FRR], dead time, address, interface, three counters.
    const fields = raw.trim().split(/\s+/);
    if (fields.length !== 9 && fields.length !== 10) continue;
    const counters = fields.slice(-3);
    if (!/^\d+$/.test(fields[1]!) || !counters.every((c) => /^\d+$/.test(c))) continue; // the header, stray text
    const { state, role } = splitNeighborState(fields[2]!);
    result.push({ routerId: fields[0]!, interface: stripLocalAddress(fields.at(-4)!), address: fields.at(-5)!, state, role });
  }
  return result;
}

function blank(name: string, up: boolean): OspfInterfaceState {
  return {
    name,
    enabled: true,
    running: up,
    cost: null,
    area: null,
    state: null,
    networkType: null,
    passive: false,
    neighborCount: null,
    adjacentCount: null,
  };
}
