// FRR's `show ip ospf interface [IFNAME] json` and `show ip ospf neighbor json`, across the
// shapes FRR has printed (ospfd/ospf_vty.c):
//  - FRR ≤ 3.0: flat maps, {"eth0": {…}} and {"10.0.0.2": {…}} at the top level;
//  - FRR 4.0: {"interfaces": [{"eth0": {…}}, {"eth1": {…}}]}, a list of one-key objects;
//  - FRR 5.0+: {"interfaces": {"eth0": {…}}} and {"neighbors": {"10.0.0.2": [{…}, …]}} (a
//    neighbour seen on several interfaces is an array since 7.2, commit cb0b2ac6a5);
//  - neighbour state: "state": "Full/DR" up to 8.x; 8.x adds "nbrState", "converged": "Full" and
//    "role": "DR"; 9.0 drops "state" and "address" (commit f5419bf927);
//  - FRR 9.1–10.1 repeat each interface's fields under "interfaceIp": {"<addr>": {…}} (10.2
//    drops it again): the flat fields are read first, interfaceIp is the fallback.
// An interface asked by name that zebra does not know answers {"noSuchIface": true}; one that
// zebra knows but OSPF does not cover answers "ospfEnabled": false. One that exists only in
// ospfd's configuration (`interface gre9` + `ip ospf cost 5`, which FRR accepts with exit 0 for
// an interface the kernel does not have) answers "ifIndex": 0 with "ospfEnabled": false: a
// placeholder, never an interface whose cost can be read or set.
import { CarpFailoverError } from '../../errors.js';
import { splitNeighborState, stripLocalAddress, type OspfInterfaceState, type OspfNeighbor } from './ospf-state.js';

type Json = Record<string, unknown>;

/** Interfaces by name from `show ip ospf interface [IFNAME] json`. */
export function parseFrrInterfaces(text: string): Record<string, OspfInterfaceState> {
  const root = parseObject(text, 'show ip ospf interface json');
  if (root.noSuchIface === true) return {};
  const map = Array.isArray(root.interfaces) ? Object.assign({}, ...root.interfaces.filter(isObject)) : isObject(root.interfaces) ? root.interfaces : flatEntries(root, looksLikeInterface);
  const result: Record<string, OspfInterfaceState> = {};
  for (const [name, value] of Object.entries(map)) {
    if (isObject(value)) result[name] = toInterface(name, value);
  }
  return result;
}

/** Neighbours from `show ip ospf neighbor json`. */
export function parseFrrNeighbors(text: string): OspfNeighbor[] {
  const root = parseObject(text, 'show ip ospf neighbor json');
  const map = isObject(root.neighbors) ? root.neighbors : flatEntries(root, (v) => Array.isArray(v) || looksLikeNeighbor(v));
  const result: OspfNeighbor[] = [];
  for (const [routerId, value] of Object.entries(map)) {
    for (const entry of Array.isArray(value) ? value : [value]) {
      if (isObject(entry)) {
        const neighbor = toNeighbor(routerId, entry);
        if (neighbor) result.push(neighbor);
      }
    }
  }
  return result;
}

function toInterface(name: string, raw: Json): OspfInterfaceState {
  // FRR 9.1–10.1: the per-address copy, when the flat fields are missing.
  const perAddress = isObject(raw.interfaceIp) ? Object.values(raw.interfaceIp).find(isObject) : undefined;
  const field = (key: string): unknown => raw[key] ?? perAddress?.[key];
  const cost = numberOrNull(field('cost'));
  // A down interface loses its OSPF interfaces (FRR 8.4 prints "ospfEnabled": false and, for
  // "not up", the key "ifDown": false), so "not enabled" only means something while it is up.
  const up = raw.ifUp === true || (raw.ifUp === undefined && !('ifDown' in raw));
  const enabled = raw.ospfEnabled !== false || !up;
  return {
    name,
    ...(raw.ifIndex === 0 && raw.ospfEnabled === false ? { placeholder: true as const } : {}),
    enabled,
    running: up && enabled && raw.ospfRunning !== false && cost !== null,
    cost,
    area: stringOrNull(field('area')),
    state: stringOrNull(field('state')),
    networkType: stringOrNull(field('networkType')),
    passive: field('timerPassiveIface') === true,
    neighborCount: numberOrNull(field('nbrCount')),
    adjacentCount: numberOrNull(field('nbrAdjacentCount')),
  };
}

function toNeighbor(routerId: string, raw: Json): OspfNeighbor | null {
  const ifaceName = stringOrNull(raw.ifaceName);
  if (ifaceName === null) return null;
  // "converged" (8.x+) is the bare NSM state; "nbrState"/"state" are "Full/DR".
  const combined = stringOrNull(raw.nbrState) ?? stringOrNull(raw.state) ?? '';
  const split = splitNeighborState(combined);
  const state = stringOrNull(raw.converged) ?? split.state;
  if (!state) return null;
  return {
    routerId,
    interface: stripLocalAddress(ifaceName),
    address: stringOrNull(raw.ifaceAddress) ?? stringOrNull(raw.address),
    state,
    role: stringOrNull(raw.role) ?? split.role,
  };
}

function parseObject(text: string, what: string): Json {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CarpFailoverError('PARSE_FAILED', `${what}: not JSON: ${JSON.stringify(text.trim().slice(0, 120))}`, {
      cause: error,
      details: { excerpt: text.slice(0, 512) },
    });
  }
  if (!isObject(value)) {
    throw new CarpFailoverError('PARSE_FAILED', `${what}: expected a JSON object`, { details: { excerpt: text.slice(0, 512) } });
  }
  return value;
}

// FRR ≤ 3.0 printed the entries at the top level next to keys such as "vrfName" or
// "ospfInstance": keep only the values that look like entries.
function flatEntries(root: Json, keep: (value: unknown) => boolean): Json {
  return Object.fromEntries(Object.entries(root).filter(([, value]) => keep(value)));
}

function looksLikeInterface(value: unknown): boolean {
  return isObject(value) && ('ifIndex' in value || 'ospfEnabled' in value || 'cost' in value || 'ifUp' in value);
}

function looksLikeNeighbor(value: unknown): boolean {
  return isObject(value) && 'ifaceName' in value;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function numberOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}
