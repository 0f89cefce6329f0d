// Brings the whole lab up except the services: topology, stand-ins, ucarp, FRR. Each step waits
// on a deadline for the state it needs (CARP elected, OSPF Full), never on a fixed sleep.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFrr, fullNeighbors, routerOspfConf, upstreamOspfConf, type FrrInstance } from './frr.js';
import { Lab } from './lab.js';
import { NS_UP, ROUTERS, ROUTER_IDS, type RouterId, type RouterPlan } from './plan.js';
import { installStandins, type RouterFiles } from './standins.js';
import { readCarpState } from './standins/common.mjs';
import { acquireLabLock } from './lock.js';
import { buildTopology } from './topology.js';
import { UcarpNode, buildImmediateShim } from './ucarp.js';
import { waitFor } from './wait.js';

export interface LabRouter {
  plan: RouterPlan;
  files: RouterFiles;
  ucarp: UcarpNode;
  frr: FrrInstance;
  /** The service's sockets and state, used by its lab config. */
  intakeSocket: string;
  statusSocket: string;
  stateDir: string;
}

export interface LabRun {
  lab: Lab;
  /** "<epoch ms> <router> carp <STATE>" lines from the ucarp scripts. */
  eventsFile: string;
  routers: Record<RouterId, LabRouter>;
  upstream: FrrInstance;
  /** Why ucarp hears advertisements through libpcap's 1 s buffering, or null (immediate mode). */
  ucarpBuffered: string | null;
}

export interface StartOptions {
  /** Start ucarp (default true); tests of the stand-ins alone may skip it. */
  ucarp?: boolean;
  /** Start FRR (default true). */
  frr?: boolean;
  /** Initial OSPF cost on the routers' interfaces (the BACKUP value until a service sets it). */
  initialCost?: number;
  log?: (line: string) => void;
  /** Let the ucarp scripts run a per-event handler when one is installed (UcarpOptions). */
  eventHook?: boolean;
}

/** Builds and starts the lab; on failure tears down what it made and rethrows. */
export async function startLab(options: StartOptions = {}): Promise<LabRun> {
  const log = options.log ?? (() => {});
  const release = await acquireLabLock();
  let lab: Lab;
  try {
    lab = new Lab();
  } catch (error) {
    release();
    throw error;
  }
  // Registered first, so it runs last in teardown.
  lab.onTeardown(release);
  buildTopology(lab);
  try {
    const eventsFile = join(lab.dir, 'events.log');
    writeFileSync(eventsFile, '');
    const withFrr = options.frr !== false;
    const [upstream = null, ...routerFrr] = withFrr
      ? await Promise.all([
          startFrr(lab, NS_UP, NS_UP, upstreamOspfConf()),
          ...ROUTER_IDS.map((id) => startFrr(lab, ROUTERS[id].ns, ROUTERS[id].ns, routerOspfConf(ROUTERS[id], options.initialCost ?? 100))),
        ])
      : [];
    const shim = buildImmediateShim(lab.dir);
    const immediateShim = 'path' in shim ? shim.path : null;
    const ucarpBuffered = 'reason' in shim ? shim.reason : null;
    if (ucarpBuffered) log(`lab: WARNING ucarp will hear advertisements up to 1 s late: ${ucarpBuffered}`);
    const routers = {} as Record<RouterId, LabRouter>;
    for (const [index, id] of ROUTER_IDS.entries()) {
      const plan = ROUTERS[id];
      const files = installStandins(lab.dir, plan);
      const intakeSocket = join(files.root, 'run', 'intake.sock');
      const ucarp = new UcarpNode(lab, plan, files, eventsFile, intakeSocket, { eventHook: options.eventHook === true, immediateShim });
      ucarp.watchDemotion();
      const frr = routerFrr[index] ?? null;
      routers[id] = {
        plan, files, ucarp, frr: frr as FrrInstance, intakeSocket,
        statusSocket: join(files.root, 'run', 'status.sock'),
        stateDir: join(files.root, 'state'),
      };
    }
    log(`lab: namespaces and links up in ${lab.dir}`);
    if (options.ucarp !== false) {
      for (const id of ROUTER_IDS) routers[id].ucarp.start();
      const master = await waitFor('a CARP MASTER', 15_000, () => masterOf(routers));
      log(`lab: CARP elected ${master.plan.id} MASTER`);
    }
    if (upstream) {
      await waitFor('OSPF adjacencies (upstream Full with both routers)', 15_000, () => fullNeighbors(upstream) >= 2);
      log('lab: OSPF Full between upstream and both routers');
    }
    return { lab, eventsFile, routers, upstream: upstream as FrrInstance, ucarpBuffered };
  } catch (error) {
    lab.teardown();
    throw error;
  }
}

/** The router whose ucarp last reported MASTER while the other did not, if exactly one. */
export function masterOf(routers: Record<RouterId, LabRouter>): LabRouter | undefined {
  const masters = ROUTER_IDS.filter((id) => readCarpState(routers[id].files.carpStateFile) === 'MASTER');
  return masters.length === 1 ? routers[masters[0]!] : undefined;
}
