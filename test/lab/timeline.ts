// The failover timeline: what happened where, each with its time. Sources: the stand-in server's
// CARP event log (CARP switch), `ip monitor link` in each router (tunnel up/down, the external
// interface's MAC: the shared vMAC carried or released), `ip monitor route`
// in upstream (the OSPF route to the internal prefix, the IPFO route the OVH binding installs),
// the OVH mock's hook (claim, task done) and the ping probe (first reply through a router).
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { spawn } from 'node:child_process';
import { ospfRoute, type FrrInstance } from './frr.js';
import type { Lab } from './lab.js';
import { externalMac } from './edge.js';
import { INTERNAL_PREFIX, IPFO, NS_UP, ROUTERS, type RouterId } from './plan.js';

export interface TimelineEvent {
  at: number;
  /** carp | tunnel | mac | ospf | ovh | ping | lab */
  kind: string;
  router: RouterId | 'upstream' | 'lab';
  text: string;
}

function routerByGateway(line: string): RouterId | null {
  return Object.values(ROUTERS).find((r) => line.includes(`via ${r.greLocal}`))?.id ?? null;
}

function safe<T>(fn: () => T): T | null {
  try {
    return fn();
  } catch {
    return null;
  }
}

export class Timeline {
  readonly events: TimelineEvent[] = [];
  private readonly tunnelUp = new Map<RouterId, boolean>();
  private readonly extMac = new Map<RouterId, string>();

  constructor(
    private readonly lab: Lab,
    private readonly eventsFile: string,
    /** Upstream's FRR, asked for the OSPF metric when its kernel route changes. */
    private readonly upstream?: FrrInstance,
  ) {}

  add(kind: string, router: TimelineEvent['router'], text: string, at = Date.now()): void {
    this.events.push({ at, kind, router, text });
  }

  /** Starts the `ip monitor` watchers (killed by the lab's teardown or by stop()). */
  start(): void {
    for (const r of Object.values(ROUTERS)) this.extMac.set(r.id, externalMac(r));
    for (const r of Object.values(ROUTERS)) {
      this.monitor(['-n', r.ns, '-o', 'monitor', 'link'], (line) => {
        const ext = new RegExp(`^\\d+: ${r.extIf}[@:].*link/ether ([0-9a-f:]{17})`).exec(line);
        if (ext && !line.startsWith('Deleted') && this.extMac.get(r.id) !== ext[1]) {
          this.extMac.set(r.id, ext[1]!);
          this.add('mac', r.id, `${r.extIf} ether ${ext[1]}`);
        }
        const m = new RegExp(`^\\d+: ${r.greIf}[@:][^<]*<([^>]*)>`).exec(line);
        if (!m || line.startsWith('Deleted')) return;
        const up = m[1]!.split(',').includes('UP');
        if (this.tunnelUp.get(r.id) === up) return;
        this.tunnelUp.set(r.id, up);
        this.add('tunnel', r.id, `${r.greIf} ${up ? 'up' : 'down'}`);
      });
    }
    this.monitor(['-n', NS_UP, '-o', 'monitor', 'route'], (line) => {
      const deleted = line.startsWith('Deleted ');
      const body = deleted ? line.slice(8) : line;
      if (body.startsWith(`${INTERNAL_PREFIX} `)) {
        const at = Date.now();
        const via = Object.values(ROUTERS).filter((r) => body.includes(`via ${r.greLocal}`)).map((r) => r.id);
        const metric = deleted || !this.upstream ? null : safe(() => ospfRoute(this.upstream!, INTERNAL_PREFIX)?.metric);
        this.add('ospf', 'upstream', deleted ? `route to ${INTERNAL_PREFIX} withdrawn` : `route to ${INTERNAL_PREFIX} via ${via.join('+') || '?'} (OSPF cost ${metric ?? '?'})`, at);
      } else if (body.startsWith(`${IPFO} `) && !deleted) {
        this.add('ovh', 'upstream', `IPFO routed to ${routerByGateway(body) ?? '?'} (OVH binding applied)`);
      }
    });
  }

  private stops: Array<() => void> = [];

  private monitor(args: string[], onLine: (line: string) => void): void {
    const child = this.lab.track(spawn('ip', args, { stdio: ['ignore', 'pipe', 'ignore'] }));
    this.stops.push(() => child.kill('SIGKILL'));
    createInterface({ input: child.stdout! }).on('line', onLine);
  }

  stop(): void {
    for (const stop of this.stops.splice(0)) stop();
  }

  /** Merges the stand-in server's CARP log ("<ms> <router> carp <STATE>") into the events. */
  collectCarp(): void {
    const seen = new Set(this.events.filter((e) => e.kind === 'carp').map((e) => `${e.at} ${e.router} ${e.text}`));
    for (const line of readFileSync(this.eventsFile, 'utf8').split('\n')) {
      const m = /^(\d+) (ra|rb) carp (MASTER|BACKUP)$/.exec(line);
      if (!m) continue;
      const event: TimelineEvent = { at: Number(m[1]), kind: 'carp', router: m[2] as RouterId, text: `CARP ${m[3]}` };
      if (!seen.has(`${event.at} ${event.router} ${event.text}`)) this.events.push(event);
    }
  }

  /** Adds the service's own steps from its NDJSON log: role changes, OSPF costs, convergence. */
  collectServiceLog(router: RouterId, logFile: string): void {
    const seen = new Set(this.events.filter((e) => e.kind === 'service' && e.router === router).map((e) => `${e.at} ${e.text}`));
    for (const line of readFileSync(logFile, 'utf8').split('\n')) {
      let entry: { time?: string; msg?: string; resource?: string; cost?: number; from?: unknown; afterMs?: number };
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        continue;
      }
      const at = Date.parse(entry.time ?? '');
      let text: string | null = null;
      if (entry.msg === 'ospf cost set') text = `${entry.resource}: OSPF cost ${String(entry.from)} → ${entry.cost}`;
      else if (entry.msg?.startsWith('role ')) text = `service: ${entry.msg}`;
      else if (entry.msg === 'converged after the transition') text = `service: converged ${entry.afterMs} ms after the transition`;
      if (text === null || Number.isNaN(at) || seen.has(`${at} ${text}`)) continue;
      this.events.push({ at, kind: 'service', router, text });
    }
  }

  /** The first event at or after `since` matching the predicate. */
  first(since: number, match: (e: TimelineEvent) => boolean): TimelineEvent | undefined {
    return this.sorted().find((e) => e.at >= since && match(e));
  }

  sorted(): TimelineEvent[] {
    return [...this.events].sort((a, b) => a.at - b.at);
  }

  /** Lines "+1234 ms  rb     carp    CARP MASTER" for the events at or after t0. */
  render(t0: number, until = Infinity): string[] {
    return this.sorted()
      .filter((e) => e.at >= t0 && e.at <= until)
      .map((e) => `${`+${e.at - t0}`.padStart(7)} ms  ${e.router.padEnd(8)} ${e.kind.padEnd(7)} ${e.text}`);
  }
}
