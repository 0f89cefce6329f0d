// The lab removes everything it made: namespaces, processes (keepalived, the stand-in server, zebra, ospfd, ping, monitors),
// sockets and its temp dir, whether torn down normally or after a failure inside it.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { frrUnavailable, netnsUnavailable, skipReason } from '../support/env.js';
import { carpEngineUnavailable } from './keepalived.js';
import { listNamespaces } from '../support/netns.js';
import { fullNeighbors } from './frr.js';
import { LAB_DIR_PREFIX } from './lab.js';
import { PingProbe } from './ping.js';
import { PREFIX } from './plan.js';
import { Timeline } from './timeline.js';
import { masterOf, startLab } from './up.js';
import { waitFor } from './wait.js';

/** Processes whose command line mentions the lab dir (keepalived, the stand-in server, FRR pathspaces). */
function processesUsing(dir: string): string[] {
  return execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes(dir));
}

function pidsOf(ns: string): number[] {
  try {
    return execFileSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** True while pid exists and is not a zombie. */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

const skip = skipReason('lab cleanup', netnsUnavailable(), frrUnavailable(), carpEngineUnavailable()) !== null;

describe.skipIf(skip)('lab bring-up and teardown', () => {
  it('comes up (CARP elected, OSPF Full, ping answered) and leaves nothing behind', async () => {
    const started = Date.now();
    const run = await startLab();
    const { lab } = run;
    let tracked: number[] = [];
    try {
      expect(masterOf(run.routers)).toBeDefined();
      expect(fullNeighbors(run.upstream)).toBe(2);
      const timeline = new Timeline(lab, run.eventsFile, run.upstream);
      timeline.start();
      const ping = new PingProbe(lab);
      ping.start();
      await waitFor('a ping reply', 10_000, () => ping.last());
      // Bring-up budget from the brief: under 20 s.
      expect(Date.now() - started).toBeLessThan(20_000);
      expect(processesUsing(lab.dir).length).toBeGreaterThan(0);
      tracked = ['cfl-up', 'cfl-ra', 'cfl-rb'].flatMap(pidsOf);
      expect(tracked.length).toBeGreaterThan(0);
    } finally {
      lab.teardown();
    }
    expect(listNamespaces(PREFIX)).toEqual([]);
    expect(existsSync(lab.dir)).toBe(false);
    expect(processesUsing(lab.dir)).toEqual([]);
    // SIGKILL is asynchronous: give the kernel a moment, and count an unreaped zombie as gone.
    await waitFor('every lab process gone', 3000, () => tracked.every((pid) => !running(pid)));
    expect(readdirSync(tmpdir()).filter((name) => name.startsWith(LAB_DIR_PREFIX))).toEqual([]);
    expect(existsSync(`${tmpdir()}/cfl-lab.lock`)).toBe(false);
  }, 60_000);

  it('teardown is idempotent and also removes a lab that never started its daemons', async () => {
    const run = await startLab({ frr: false, carp: false });
    run.lab.teardown();
    run.lab.teardown();
    expect(listNamespaces(PREFIX)).toEqual([]);
    expect(existsSync(run.lab.dir)).toBe(false);
  }, 30_000);
});
