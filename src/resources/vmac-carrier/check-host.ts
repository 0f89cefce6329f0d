// `check-config --host` for the shared-vMAC carrier: each carrier interface exists and has an
// Ethernet address, its own MAC can be put back (hwaddr or restore_mac), and each failover IP it
// carries is a plain alias there: a CARP address (vhid) is skipped by arp_ifinit() when the MAC
// changes (sys/netinet/if_ether.c, `ifa->ifa_carp != NULL`), so the vMAC move would go unannounced.
import type { Config, SharedVmacConfig } from '../../config/schema.js';
import { summarizeError } from '../../errors.js';
import type { HostCheck } from '../../host/host-check.js';
import { IfconfigReader } from '../../host/freebsd/ifconfig-reader.js';
import type { Host } from '../../host/ports.js';

/** Findings per carrier interface, then per failover IP on it. */
export async function checkVmacCarrierHost(config: Config, host: Host): Promise<HostCheck[]> {
  const entries = config.ovh.ips.filter((ip): ip is SharedVmacConfig => ip.strategy === 'shared-vmac');
  const reader = new IfconfigReader(host, config.commands.ifconfig, { timeoutMs: config.commands.timeout_ms });
  const checks: HostCheck[] = [];
  for (const name of [...new Set(entries.map((e) => e.interface))]) {
    const mine = entries.filter((e) => e.interface === name);
    const { vmac, restore_mac: restore } = mine[0]!;
    const label = `vMAC carrier ${name}`;
    let iface;
    try {
      iface = await reader.read(name);
    } catch (error) {
      checks.push({ name: label, ok: false, level: 'error', message: `cannot read: ${summarizeError(error).message}` });
      continue;
    }
    if (iface === null) {
      checks.push({ name: label, ok: false, level: 'error', message: `does not exist: ovh.ips[].interface must be this router's interface on the hypervisor's bridge` });
      continue;
    }
    if (iface.ether === undefined) {
      checks.push({ name: label, ok: false, level: 'error', message: 'has no Ethernet address (no ether line): it cannot carry a vMAC' });
      continue;
    }
    const hardware = iface.hwaddr ?? (iface.ether !== vmac ? iface.ether : null) ?? restore;
    checks.push(
      hardware === null || hardware === vmac
        ? { name: label, ok: false, level: 'error', message: `carries ${vmac} with no other MAC to put back on BACKUP (no hwaddr line): set ovh.ips[].restore_mac` }
        : { name: label, ok: true, level: 'error', message: `ether ${iface.ether}${iface.ether === vmac ? ' (carrying the shared vMAC)' : ''}, own MAC ${hardware}, ${iface.up ? 'UP' : 'down'}` },
    );
    for (const entry of mine) {
      const address = entry.ip.replace(/\/32$/, '');
      const found = iface.addresses.find((a) => a.family === 'inet' && a.address === address);
      const what = `failover IP ${address} on ${name}`;
      if (found === undefined) {
        checks.push({ name: what, ok: false, level: 'warning', message: `not configured: add it as a plain alias (rc.conf: ifconfig_${name.replace(/[.-]/g, '_')}_alias0="inet ${address}/32") unless this router only forwards it` });
      } else if (found.vhid !== undefined) {
        checks.push({ name: what, ok: false, level: 'error', message: `is a CARP address (vhid ${found.vhid}): FreeBSD does not announce CARP addresses when the MAC changes, and CARP answers ARP for it with 00:00:5e:00:01:${found.vhid.toString(16).padStart(2, '0')}; make it a plain alias (no vhid)` });
      } else checks.push({ name: what, ok: true, level: 'error', message: 'plain alias: announced from the vMAC when it moves here' });
    }
  }
  return checks;
}
