// Brings the whole lab up except the services: topology, stand-ins, keepalived (the lab's CARP),
// FRR. Each step waits on a deadline for the state it needs (CARP elected, OSPF Full), never on a
// fixed sleep.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFrr, fullNeighbors, routerOspfConf, upstreamOspfConf, type FrrInstance } from './frr.js';
import { CarpNode } from './keepalived.js';
import { Lab } from './lab.js';
import { NS_UP, ROUTERS, ROUTER_IDS, type RouterId, type RouterPlan, type Strategy } from './plan.js';
import { buildStandinClient, installStandins, startStandinServer, type RouterFiles } from './standins.js';
import { readCarpState } from './standins/common.mjs';
import { acquireLabLock } from './lock.js';
import { buildTopology } from './topology.js';
import { waitFor } from './wait.js';

export interface LabRouter {
  plan: RouterPlan;
  files: RouterFiles;
  carp: CarpNode;
  frr: FrrInstance;
  /** The service's sockets and state, used by its lab config. */
  intakeSocket: string;
  statusSocket: string;
  stateDir: string;
}

export interface LabRun {
  lab: Lab;
  /** How OVH delivers the IPFO in this lab (edge.ts). */
  strategy: Strategy;
  /** "<epoch ms> <router> carp <STATE>" lines from the stand-in server. */
  eventsFile: string;
  routers: Record<RouterId, LabRouter>;
  upstream: FrrInstance;
}

export interface StartOptions {
  /** Start CARP (default true); tests of the stand-ins alone may skip it. */
  carp?: boolean;
  /** Start FRR (default true). */
  frr?: boolean;
  /** Initial OSPF cost on the routers' interfaces (the BACKUP value until a service sets it). */
  initialCost?: number;
  /** The IPFO's data path (default move). */
  strategy?: Strategy;
  log?: (line: string) => void;
}

/** Builds and starts the lab; on failure tears down what it made and rethrows. */
export async function startLab(options: StartOptions = {}): Promise<LabRun> {
  const log = options.log ?? (() => {});
  const strategy = options.strategy ?? 'move';
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
  try {
    buildTopology(lab, strategy);
    const eventsFile = join(lab.dir, 'events.log');
    writeFileSync(eventsFile, '');
    const withFrr = options.frr !== false;
    const [upstream = null, ...routerFrr] = withFrr
      ? await Promise.all([
          startFrr(lab, NS_UP, NS_UP, upstreamOspfConf()),
          ...ROUTER_IDS.map((id) => startFrr(lab, ROUTERS[id].ns, ROUTERS[id].ns, routerOspfConf(ROUTERS[id], options.initialCost ?? 100))),
        ])
      : [];
    const client = buildStandinClient(lab.dir);
    const routers = {} as Record<RouterId, LabRouter>;
    for (const [index, id] of ROUTER_IDS.entries()) {
      const plan = ROUTERS[id];
      const files = installStandins(lab.dir, plan, client, strategy);
      const frr = routerFrr[index] ?? null;
      routers[id] = {
        plan, files, carp: new CarpNode(lab, plan, files), frr: frr as FrrInstance,
        intakeSocket: join(files.root, 'run', 'intake.sock'),
        statusSocket: join(files.root, 'run', 'status.sock'),
        stateDir: join(files.root, 'state'),
      };
    }
    await startStandinServer(lab, ROUTER_IDS.map((id) => ({ id, files: routers[id].files, intakeSocket: routers[id].intakeSocket })), eventsFile);
    log(`lab: namespaces and links up in ${lab.dir} (IPFO data path: ${strategy})`);
    if (options.carp !== false) {
      for (const id of ROUTER_IDS) routers[id].carp.start();
      const master = await waitFor('a CARP MASTER', 15_000, () => masterOf(routers));
      log(`lab: CARP elected ${master.plan.id} MASTER`);
    }
    if (upstream) {
      await waitFor('OSPF adjacencies (upstream Full with both routers)', 15_000, () => fullNeighbors(upstream) >= 2);
      log('lab: OSPF Full between upstream and both routers');
    }
    return { lab, strategy, eventsFile, routers, upstream: upstream as FrrInstance };
  } catch (error) {
    lab.teardown();
    throw error;
  }
}

/** The router whose CARP last reported MASTER while the other did not, if exactly one. */
export function masterOf(routers: Record<RouterId, LabRouter>): LabRouter | undefined {
  const masters = ROUTER_IDS.filter((id) => readCarpState(routers[id].files.carpStateFile) === 'MASTER');
  return masters.length === 1 ? routers[masters[0]!] : undefined;
}
