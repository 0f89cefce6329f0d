// What ospfd reports about interfaces and neighbours, in one shape whether it came from FRR's
// JSON or Quagga's text. The parsers (parse-frr.ts, parse-quagga.ts) produce it; the resource
// and the host checks read it.

/** One interface as ospfd sees it. */
export interface OspfInterfaceState {
  name: string;
  /**
   * False when the interface is up but OSPF is not enabled on it (no network/area covers it).
   * A down interface reads as enabled: ospfd drops a down interface's OSPF state, so it cannot
   * tell until the interface is up again.
   */
  enabled: boolean;
  /** Only configured in ospfd (ifIndex 0): no such interface in zebra, nothing to read or set. */
  placeholder?: true;
  /** False when OSPF is enabled but the interface is down (no cost or state is shown then). */
  running: boolean;
  /** The interface's output cost; null when ospfd does not show one (disabled or down). */
  cost: number | null;
  area: string | null;
  /** The interface state machine's state: DR, Backup, DROther, Point-To-Point, Loopback… */
  state: string | null;
  /** BROADCAST, POINTOPOINT, LOOPBACK… as ospfd spells it. */
  networkType: string | null;
  /** True for a passive interface (no hellos). */
  passive: boolean;
  /** Neighbour and adjacent (Full) counts as the interface output reports them, when it does. */
  neighborCount: number | null;
  adjacentCount: number | null;
}

/** One neighbour line. */
export interface OspfNeighbor {
  routerId: string;
  /** Our interface the neighbour is seen on, without ospfd's ":<local address>" suffix. */
  interface: string;
  address: string | null;
  /** The neighbour state machine's state: Full, 2-Way, ExStart, Init… */
  state: string;
  /** The neighbour's role on the segment (DR, Backup, DROther) when shown. */
  role: string | null;
}

/** Neighbour totals for one interface. */
export interface NeighborCount {
  total: number;
  full: number;
}

/** The state name that counts as an adjacency (RFC 2328 §10.1). */
export const FULL_STATE = 'Full';

/** Counts neighbours, and Full ones, on one interface. */
export function countNeighbors(neighbors: readonly OspfNeighbor[], ifname: string): NeighborCount {
  const here = neighbors.filter((n) => n.interface === ifname);
  return { total: here.length, full: here.filter((n) => n.state === FULL_STATE).length };
}

/** "Full/DR" → { state: "Full", role: "DR" }; "Full/-" → role null. */
export function splitNeighborState(text: string): { state: string; role: string | null } {
  const slash = text.indexOf('/');
  if (slash < 0) return { state: text.trim(), role: null };
  const role = text.slice(slash + 1).trim();
  return { state: text.slice(0, slash).trim(), role: role === '' || role === '-' ? null : role };
}

/** ospfd names a neighbour's interface "eth0:192.0.2.1" (IF_NAME(oi)); keep the interface. */
export function stripLocalAddress(ifaceName: string): string {
  const match = /^(.+):\d{1,3}(?:\.\d{1,3}){3}$/.exec(ifaceName);
  return match ? match[1]! : ifaceName;
}
