// `check-config --host` for the FreeBSD side: the followed interfaces and vhids exist, the GRE
// interfaces exist (or will be created), and the CARP sysctls are readable and sensible.
import type { Config } from '../../config/schema.js';
import { summarizeError } from '../../errors.js';
import type { HostCheck } from '../host-check.js';
import type { Host } from '../ports.js';
import { validateSysctlName, type SysctlName } from '../validate.js';
import type { ParsedInterface } from './ifconfig-model.js';
import { IfconfigReader } from './ifconfig-reader.js';

/** Every finding, in a stable order: interfaces, vhids, GRE, sysctls. */
export async function checkCarpHost(config: Config, host: Host): Promise<HostCheck[]> {
  const checks: HostCheck[] = [];
  const reader = new IfconfigReader(host, config.commands.ifconfig, { timeoutMs: config.commands.timeout_ms });
  const seen = new Map<string, ParsedInterface | null | Error>();
  const read = async (name: string) => {
    if (!seen.has(name)) seen.set(name, await reader.read(name).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error)))));
    return seen.get(name)!;
  };

  for (const name of [...new Set(config.carp.vhids.map((v) => v.interface))]) {
    const iface = await read(name);
    checks.push(interfaceCheck(`interface ${name}`, iface, 'error'));
  }
  for (const { vhid, interface: name } of config.carp.vhids) {
    const iface = await read(name);
    if (iface === null || iface instanceof Error) continue;
    const carp = iface.carp.find((c) => c.vhid === vhid);
    checks.push(
      carp
        ? { name: `vhid ${vhid} on ${name}`, ok: true, level: 'error', message: `${carp.protocol} ${carp.state}, advbase ${carp.advbase ?? '?'} advskew ${carp.advskew ?? '?'}` }
        : { name: `vhid ${vhid} on ${name}`, ok: false, level: 'error', message: `no vhid ${vhid} on ${name}: configure it in rc.conf (ifconfig_${name.replace(/[.-]/g, '_')}_alias0="inet … vhid ${vhid} pass …")` },
    );
  }
  for (const tunnel of config.gre.tunnels) {
    const iface = await read(tunnel.interface);
    if (iface === null && tunnel.create) checks.push({ name: `gre ${tunnel.interface}`, ok: true, level: 'error', message: 'missing; the service will create it (create: true)' });
    else checks.push(interfaceCheck(`gre ${tunnel.interface}`, iface, 'error'));
  }

  const values = new Map<SysctlName, number | Error>();
  for (const name of ['net.inet.carp.demotion', 'net.inet.carp.preempt', 'net.inet.carp.allow'] as const) {
    const value = await readSysctl(host, config, name);
    values.set(name, value);
    checks.push(value instanceof Error ? { name: `sysctl ${name}`, ok: false, level: 'error', message: `not readable: ${value.message} (is carp(4) loaded? kldload carp)` } : { name: `sysctl ${name}`, ok: true, level: 'error', message: `= ${value}` });
  }
  const preempt = values.get('net.inet.carp.preempt');
  if (typeof preempt === 'number') {
    checks.push(
      preempt === 1
        ? { name: 'net.inet.carp.preempt is 1', ok: true, level: 'warning', message: 'a demoted node hands MASTER over' }
        : { name: 'net.inet.carp.preempt is 1', ok: false, level: 'warning', message: 'preempt is 0: a drain or a readiness hold cannot move MASTER away; set net.inet.carp.preempt=1 in /etc/sysctl.conf' },
    );
  }
  const allow = values.get('net.inet.carp.allow');
  if (typeof allow === 'number') {
    checks.push(
      allow === 1
        ? { name: 'net.inet.carp.allow is 1', ok: true, level: 'error', message: 'CARP accepts advertisements' }
        : { name: 'net.inet.carp.allow is 1', ok: false, level: 'error', message: 'allow is 0: CARP ignores its peers and every vhid stays INIT' },
    );
  }
  return checks;
}

function interfaceCheck(name: string, iface: ParsedInterface | null | Error, level: 'error' | 'warning'): HostCheck {
  if (iface instanceof Error) return { name, ok: false, level, message: `cannot read: ${summarizeError(iface).message}` };
  if (iface === null) return { name, ok: false, level, message: 'does not exist' };
  return { name, ok: true, level, message: `${iface.up ? 'UP' : 'down'}${iface.running ? ',RUNNING' : ''} mtu ${iface.mtu ?? '?'}` };
}

async function readSysctl(host: Host, config: Config, name: SysctlName): Promise<number | Error> {
  try {
    const raw = (await host.run([config.commands.sysctl, '-n', validateSysctlName(name)], { timeoutMs: config.commands.timeout_ms })).stdout.trim();
    return /^-?\d{1,10}$/.test(raw) ? Number(raw) : new Error(`unexpected value ${JSON.stringify(raw.slice(0, 40))}`);
  } catch (error) {
    return new Error(summarizeError(error).message);
  }
}
