// The two reads the OSPF resource and the host checks make, for either flavour: FRR answers in
// JSON, Quagga in text; both end in the shapes of ospf-state.ts.
import type { OspfInterfaceState, OspfNeighbor } from './ospf-state.js';
import { parseFrrInterfaces, parseFrrNeighbors } from './parse-frr.js';
import { parseQuaggaInterfaces, parseQuaggaNeighbors } from './parse-quagga.js';
import type { Vtysh, VtyshFlavour } from './vtysh.js';

/** `show ip ospf interface [IFNAME]`: one interface when named (others are not asked), else all. */
export async function observeInterfaces(vtysh: Vtysh, flavour: VtyshFlavour, ifname: string | null, signal?: AbortSignal): Promise<Record<string, OspfInterfaceState>> {
  const base = ifname === null ? 'show ip ospf interface' : `show ip ospf interface ${ifname}`;
  if (flavour === 'frr') return parseFrrInterfaces(await vtysh.show(`${base} json`, signal));
  return parseQuaggaInterfaces(await vtysh.show(base, signal));
}

/** `show ip ospf neighbor`: every neighbour on every interface. */
export async function observeNeighbors(vtysh: Vtysh, flavour: VtyshFlavour, signal?: AbortSignal): Promise<OspfNeighbor[]> {
  if (flavour === 'frr') return parseFrrNeighbors(await vtysh.show('show ip ospf neighbor json', signal));
  return parseQuaggaNeighbors(await vtysh.show('show ip ospf neighbor', signal));
}
