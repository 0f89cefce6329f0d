// `check-config --host` for OSPF: vtysh answers, ospfd runs, and each configured interface is an
// OSPF interface in ospfd. Nothing is changed.
import type { Config } from '../../config/schema.js';
import { summarizeError } from '../../errors.js';
import type { HostCheck } from '../../host/host-check.js';
import type { Host } from '../../host/ports.js';
import type { OspfInterfaceState } from './ospf-state.js';
import { observeInterfaces } from './observe.js';
import { Vtysh, type VtyshFlavour } from './vtysh.js';

/** The OSPF host checks; none when no OSPF interface is configured. */
export async function checkOspfHost(config: Config, host: Host): Promise<HostCheck[]> {
  const { ospf } = config;
  if (ospf.interfaces.length === 0) return [];
  const checks: HostCheck[] = [];
  const vtysh = new Vtysh(host, ospf);

  let flavour: VtyshFlavour;
  try {
    flavour = await vtysh.flavour();
    checks.push(ok('vtysh answers', `${ospf.vtysh} answers (${flavour === 'frr' ? 'FRRouting' : 'Quagga'}${ospf.flavour === 'auto' ? ', detected' : ', from config'})`));
  } catch (error) {
    checks.push(fail('vtysh answers', `${ospf.vtysh}${ospf.vty_socket ? ` --vty_socket ${ospf.vty_socket}` : ''}: ${summarizeError(error).message}`));
    return checks;
  }

  let interfaces: Record<string, OspfInterfaceState>;
  try {
    interfaces = await observeInterfaces(vtysh, flavour, null);
    const names = Object.values(interfaces).filter((i) => i.enabled && !i.placeholder).map((i) => i.name);
    checks.push(ok('ospfd runs', `ospfd answers; OSPF interfaces: ${names.length ? names.join(', ') : 'none'}`));
  } catch (error) {
    checks.push(fail('ospfd runs', summarizeError(error).message));
    return checks;
  }

  for (const iface of ospf.interfaces) checks.push(interfaceCheck(iface.interface, interfaces[iface.interface]));
  checks.push(...followCarpWarnings(config));
  return checks;
}

function interfaceCheck(ifname: string, state: OspfInterfaceState | undefined): HostCheck {
  const name = `OSPF on ${ifname}`;
  if (state === undefined) return fail(name, `ospfd does not know ${ifname}: no network … area statement or ip ospf area covers it`);
  if (state.placeholder) return fail(name, `ospfd knows ${ifname} only as a configuration placeholder (ifIndex 0): no such interface exists; create it or remove "interface ${ifname}" from ospfd's config`);
  if (!state.enabled) return fail(name, `${ifname} exists but OSPF is not enabled on it: add it to an area in ospfd's config`);
  if (!state.running) return { name, ok: true, level: 'warning', message: `${ifname} is down now: ospfd shows whether OSPF covers it, and takes its cost, once it is up` };
  return ok(name, `area ${state.area ?? '?'}, ${state.networkType ?? '?'}, cost ${state.cost}, state ${state.state ?? '?'}${state.passive ? ', passive' : ''}`);
}

// A follow-carp tunnel is down on a BACKUP, so it can never show the neighbours a readiness
// check requires there: the BACKUP would hold its readiness demotion for ever.
function followCarpWarnings(config: Config): HostCheck[] {
  const followed = new Set(config.gre.tunnels.filter((t) => t.mode === 'follow-carp').map((t) => t.interface));
  return config.ospf.interfaces
    .filter((i) => i.require_neighbors > 0 && followed.has(i.interface))
    .map((i) => ({
      name: `OSPF readiness on ${i.interface}`,
      ok: false,
      level: 'warning' as const,
      message: `${i.interface} is a follow-carp GRE tunnel (down on a BACKUP), so require_neighbors: ${i.require_neighbors} can never be met there and the BACKUP stays demoted; require neighbours on always-up tunnels only`,
    }));
}

function ok(name: string, message: string): HostCheck {
  return { name, ok: true, level: 'error', message };
}

function fail(name: string, message: string): HostCheck {
  return { name, ok: false, level: 'error', message };
}
