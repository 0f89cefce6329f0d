// Installs the FreeBSD stand-ins for each router and starts the lab's resident stand-in server
// (standins/server.mjs). The service runs <router>/bin/ifconfig and <router>/bin/sysctl: copies
// of one compiled client (standins/client.c) that forward their argv to the server over
// <router>/bin/standin.sock, about a millisecond per call where a Node stand-in cost a Node
// start-up (issue 12). The server also follows each router's keepalived (its notify FIFO) and
// hands demotion writes to it: standins/carp-events.mjs, standins/sysctl.mjs.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { writeSysctls } from './standins/common.mjs';
import type { Lab } from './lab.js';
import { ADVBASE, SEGMENT_PREFIXLEN, VHID, VIP, tunnelRoutes, type RouterPlan, type Strategy } from './plan.js';
import { waitFor } from './wait.js';

const STANDINS = fileURLToPath(new URL('./standins/', import.meta.url));
export const CLIENT_SOURCE = join(STANDINS, 'client.c');
const SERVER = join(STANDINS, 'server.mjs');

/** Where one router's lab files live. */
export interface RouterFiles {
  root: string;
  bin: string;
  ifconfig: string;
  sysctl: string;
  settings: string;
  /** MASTER/BACKUP/INIT as the stand-in server last recorded it. */
  carpStateFile: string;
  /** The emulated net.inet.carp.* values (JSON). */
  sysctlFile: string;
  /** The server's socket the compiled client finds beside itself. */
  socket: string;
  /** keepalived's notify FIFO, read by the server. */
  fifo: string;
  /** keepalived's track file: what the demotion adds to the advertised skew. */
  trackFile: string;
  /** A devd-style per-event handler the server runs on each transition when it is executable (the bench's baseline). */
  eventHook: string;
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
    socket: join(bin, 'standin.sock'),
    fifo: join(root, 'carp.fifo'),
    trackFile: join(root, 'carp-demotion'),
    eventHook: join(root, 'event-hook'),
  };
}

/** Compiles the stand-in client into the lab dir; throws with cc's message (scripts/setup.sh installs cc). */
export function buildStandinClient(labDir: string): string {
  const path = join(labDir, 'standin-client');
  try {
    execFileSync('cc', ['-O2', '-Wall', '-o', path, CLIENT_SOURCE], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(`cannot compile ${CLIENT_SOURCE} (scripts/setup.sh installs a C compiler): ${stderr || (error as Error).message}`);
  }
  return path;
}

/** Writes router r's settings, sysctls and FIFO, and copies the client in as ifconfig and sysctl. */
export function installStandins(labDir: string, r: RouterPlan, client: string, strategy: Strategy = 'move'): RouterFiles {
  const files = routerFiles(labDir, r);
  mkdirSync(files.bin, { recursive: true });
  const settings = {
    ns: r.ns,
    carpStateFile: files.carpStateFile,
    sysctlFile: files.sysctlFile,
    vhids: [{ vhid: VHID, interface: r.carpIf, vip: VIP, prefixlen: SEGMENT_PREFIXLEN, advbase: ADVBASE, advskew: r.advskew }],
    tunnels: { [r.greIf]: { source: r.tunnelSource, destination: r.tunnelDestination, remote: r.greRemote, routes: tunnelRoutes(strategy) } },
    // The NIC's own MAC on the external interface (the hypervisor's), shown as hwaddr once changed.
    hwaddrs: { [r.extIf]: strategy === 'vmac' ? r.vmac : r.nicMac },
  };
  writeFileSync(files.settings, JSON.stringify(settings, null, 2) + '\n');
  // The router "boots" now: demotion 0, preempt on (as the lab's routers are configured).
  writeSysctls(files.sysctlFile, { demotion: 0, preempt: 1, allow: 1, boottime: Date.now() });
  writeFileSync(files.trackFile, '0\n');
  execFileSync('mkfifo', ['-m', '0600', files.fifo]);
  for (const tool of [files.ifconfig, files.sysctl]) copyFileSync(client, tool);
  return files;
}

/** What the server needs of one router. */
export interface ServedRouter {
  id: string;
  files: RouterFiles;
  intakeSocket: string;
}

/** Starts the resident stand-in server for the routers; resolves once every socket listens. */
export async function startStandinServer(lab: Lab, routers: ServedRouter[], eventsFile: string): Promise<ChildProcess> {
  const configFile = join(lab.dir, 'standin-server.json');
  const config = {
    routers: routers.map(({ id, files, intakeSocket }) => ({
      id, settingsFile: files.settings, socket: files.socket, fifo: files.fifo, trackFile: files.trackFile, eventsFile, intakeSocket, hook: files.eventHook,
    })),
  };
  writeFileSync(configFile, JSON.stringify(config, null, 2) + '\n');
  const child = lab.track(spawn(process.execPath, [SERVER, configFile], { stdio: ['ignore', 'pipe', 'pipe'] }));
  const log = createWriteStream(join(lab.dir, 'standin-server.log'));
  child.stderr!.pipe(log);
  let ready = false;
  let exited: string | null = null;
  createInterface({ input: child.stdout! }).on('line', (line) => (ready ||= line === 'ready'));
  child.once('exit', (code, signal) => (exited = `exited ${code ?? signal}`));
  await waitFor('the stand-in server', 10_000, () => {
    if (exited) throw new Error(`stand-in server ${exited} (see standin-server.log)`);
    return ready;
  }, 10);
  return child;
}
