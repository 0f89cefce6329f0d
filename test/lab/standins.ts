// Installs the FreeBSD stand-ins for one router: a settings file and two tiny wrappers
// (<dir>/<router>/bin/ifconfig, …/sysctl) that the router's service config points
// commands.ifconfig / commands.sysctl at. The service runs commands with a minimal environment,
// so the wrappers carry the settings path themselves.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeSysctls } from './standins/common.mjs';
import { ADVBASE, SEGMENT_PREFIXLEN, VHID, VIP, tunnelRoutes, type RouterPlan } from './plan.js';

const STANDINS = fileURLToPath(new URL('./standins/', import.meta.url));

/** Where one router's lab files live. */
export interface RouterFiles {
  root: string;
  bin: string;
  ifconfig: string;
  sysctl: string;
  settings: string;
  /** MASTER/BACKUP as the ucarp scripts last recorded it. */
  carpStateFile: string;
  /** The emulated net.inet.carp.* values (JSON). */
  sysctlFile: string;
}

/** The paths for router r under the lab dir (nothing is created). */
export function routerFiles(labDir: string, r: RouterPlan): RouterFiles {
  const root = join(labDir, r.id);
  const bin = join(root, 'bin');
  return {
    root,
    bin,
    ifconfig: join(bin, 'ifconfig'),
    sysctl: join(bin, 'sysctl'),
    settings: join(root, 'standin.json'),
    carpStateFile: join(root, 'carp-state'),
    sysctlFile: join(root, 'sysctl.json'),
  };
}

/** Writes the settings and the two wrappers; returns their paths. */
export function installStandins(labDir: string, r: RouterPlan): RouterFiles {
  const files = routerFiles(labDir, r);
  mkdirSync(files.bin, { recursive: true });
  const settings = {
    ns: r.ns,
    carpStateFile: files.carpStateFile,
    sysctlFile: files.sysctlFile,
    vhids: [{ vhid: VHID, interface: r.carpIf, vip: VIP, prefixlen: SEGMENT_PREFIXLEN, advbase: ADVBASE, advskew: r.advskew }],
    tunnels: { [r.greIf]: { source: r.tunnelSource, destination: r.tunnelDestination, remote: r.greRemote, routes: tunnelRoutes() } },
  };
  writeFileSync(files.settings, JSON.stringify(settings, null, 2) + '\n');
  // The router "boots" now: demotion 0, preempt on (as the lab's routers are configured).
  writeSysctls(files.sysctlFile, { demotion: 0, preempt: 1, allow: 1, boottime: Date.now() });
  for (const tool of ['ifconfig', 'sysctl'] as const) {
    const wrapper = [
      '#!/usr/bin/env node',
      `// Lab stand-in for FreeBSD ${tool}, router ${r.id} (generated).`,
      `process.env.CFL_STANDIN = ${JSON.stringify(files.settings)};`,
      `import(${JSON.stringify(join(STANDINS, `${tool}.mjs`))});`,
      '',
    ].join('\n');
    writeFileSync(files[tool], wrapper);
    chmodSync(files[tool], 0o755);
  }
  return files;
}
