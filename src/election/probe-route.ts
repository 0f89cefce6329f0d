// The route probe: is a prefix in zebra's routing table, selected and installed in the FIB?
// Asked through vtysh (`show ip route PREFIX json`, one argv element, no shell). zebra answers
// {"PREFIX":[entry…]} where `selected` and `installed` appear only when true, `{}` when it has
// no node for the prefix and `{"PREFIX":[]}` when the node has no route left (zebra/zebra_vty.c;
// real captures in test/fixtures/frr-routes/). Quagga has no JSON here: route checks need FRR.
import { CarpFailoverError } from '../errors.js';
import type { Vtysh } from '../resources/ospf/vtysh.js';
import { failedResult, type Probe, type ProbeResult } from './probe.js';

const PREFIX = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

export interface RouteProbeOptions {
  prefix: string;
  /** Only a route from this protocol counts; null: any. */
  protocol: string | null;
}

/** The vtysh command for a prefix; throws INVALID_NAME for anything but a well-formed IPv4 prefix. */
export function routeCommand(prefix: string): string {
  const match = PREFIX.exec(prefix);
  if (!match || match.slice(1, 5).some((octet) => Number(octet) > 255) || Number(match[5]) > 32) {
    throw new CarpFailoverError('INVALID_NAME', `route check: ${JSON.stringify(prefix)} is not an IPv4 prefix`, { details: { prefix } });
  }
  return `show ip route ${prefix} json`;
}

/** Reads zebra's answer: ok when an entry for the prefix is selected and installed. */
export function judgeRoute(text: string, options: RouteProbeOptions): ProbeResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new CarpFailoverError('PARSE_FAILED', `show ip route ${options.prefix} json: not JSON`, { details: { head: text.slice(0, 200) } });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new CarpFailoverError('PARSE_FAILED', `show ip route ${options.prefix} json: not a JSON object`, { details: { head: text.slice(0, 200) } });
  }
  const entries = (parsed as Record<string, unknown>)[options.prefix];
  const routes = Array.isArray(entries) ? entries.filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null) : [];
  const active = routes.filter((r) => r.selected === true && r.installed === true);
  const wanted = options.protocol === null ? active : active.filter((r) => r.protocol === options.protocol);
  if (wanted.length > 0) return { ok: true, detail: `${options.prefix} via ${String(wanted[0]!.protocol)}` };
  if (active.length > 0) return { ok: false, detail: `${options.prefix} only via ${String(active[0]!.protocol)}, not ${options.protocol}` };
  return { ok: false, detail: `${options.prefix} not in the routing table` };
}

/** A probe that asks zebra once. */
export function routeProbe(vtysh: Vtysh, options: RouteProbeOptions): Probe {
  const command = routeCommand(options.prefix);
  return async (signal) => {
    try {
      return judgeRoute(await vtysh.show(command, signal), options);
    } catch (error) {
      return failedResult(error);
    }
  };
}
