// When a MASTER's CARP advertises. The bench needs it to place a MASTER loss at a known point of
// the advertisement interval: a BACKUP's master-down timer runs from the last advertisement it
// heard, so CARP's own detection (3 × advbase + advskew/256) counts from there, not from the loss.
// A watcher inside the router's namespace reads its CARP interface's tx_packets every millisecond
// (sysfs has no change notification); a tick one advertisement interval after the previous tick
// is an advertisement, which tells them from the odd ARP or multicast report on the same link.
import { createInterface } from 'node:readline';
import type { ChildProcess } from 'node:child_process';
import { nsSpawn } from '../support/netns.js';
import type { Lab } from './lab.js';
import { ADVBASE, type RouterPlan } from './plan.js';
import { waitFor } from './wait.js';

/** How far a tick may be from one interval after the previous one and still be an advertisement. */
export const INTERVAL_TOLERANCE_MS = 25;

/** A MASTER's advertisement interval: advbase + advskew/256 s (ip_carp.c carp_send_ad_locked). */
export function advertisementIntervalMs(advskew: number): number {
  return ADVBASE * 1000 + (advskew * 1000) / 256;
}

/** The last tick that came one interval (± tolerance) after the tick before it, or null. */
export function lastAdvertisement(ticks: readonly number[], intervalMs: number): number | null {
  for (let i = ticks.length - 1; i >= 1; i--) {
    if (Math.abs(ticks[i]! - ticks[i - 1]! - intervalMs) <= INTERVAL_TOLERANCE_MS) return ticks[i]!;
  }
  return null;
}

const WATCHER = `
const fs = require('node:fs');
const path = '/sys/class/net/' + process.argv[1] + '/statistics/tx_packets';
let last = null;
setInterval(() => {
  const count = fs.readFileSync(path, 'utf8');
  if (count !== last) { last = count; process.stdout.write(Date.now() + '\\n'); }
}, 1);
`;

export class AdvertisementWatch {
  /** Epoch ms of every change of the interface's tx_packets counter. */
  readonly ticks: number[] = [];
  private readonly child: ChildProcess;

  constructor(lab: Lab, readonly router: RouterPlan, readonly intervalMs: number) {
    this.child = lab.track(nsSpawn(router.ns, [process.execPath, '-e', WATCHER, router.carpIf], { stdio: ['ignore', 'pipe', 'ignore'] }));
    createInterface({ input: this.child.stdout! }).on('line', (line) => this.ticks.push(Number(line)));
  }

  /** Waits for an advertisement seen after `since` (epoch ms) and returns its time. */
  async next(since = Date.now(), timeoutMs = 5000): Promise<number> {
    return waitFor(`an advertisement from ${this.router.id}`, timeoutMs, () => {
      const at = lastAdvertisement(this.ticks, this.intervalMs);
      return at !== null && at > since ? at : null;
    }, 1);
  }

  stop(): void {
    this.child.kill('SIGKILL');
  }
}
