// The ServiceApi the sockets call, on top of the engine, the flag store and the journal. It also
// assembles the one StatusReport that status, metrics and drain confirmation all read.
import type { Logger } from 'pino';
import type { Engine } from '../engine/engine.js';
import type { DevdEvent, DropReason, ServiceApi } from '../control/service-api.js';
import { CarpFailoverError } from '../errors.js';
import type { OperatorFlags } from '../model.js';
import { drainConditions } from '../status/drain.js';
import { STATUS_VERSION, type MetricsListenerStatus, type StatusReport, type Timeline } from '../status/model.js';

/** Where the configuration came from and when, for status (its reload counts are the engine's counters). */
export interface ConfigInfo {
  path: string;
  loadedAt: string;
}

/** The operator flags as the service uses them: the FlagStore in the daemon, a fake in engine tests. */
export interface FlagSource {
  get(): OperatorFlags;
  set(flag: keyof OperatorFlags, on: boolean, meta?: { who?: string; when?: string }): Promise<unknown>;
  /** Calls listener on every change (a flag file written by hand included); returns an unsubscribe. */
  onChange(listener: (change: { flag: keyof OperatorFlags; on: boolean }) => void): () => void;
  close(): Promise<void>;
}

export interface ServiceParts {
  engine: () => Engine;
  flags: FlagSource;
  configInfo: () => ConfigInfo;
  /** The metrics listener's state; absent where there is no listener (test rigs). */
  metrics?: () => MetricsListenerStatus | null;
  log: Logger;
}

/** Builds the status report: the engine's view plus config, pid and, while draining, the drain conditions. */
export function buildReport(parts: ServiceParts): StatusReport {
  const engine = parts.engine().status();
  const counted = { reloads: engine.counters.configReloads ?? 0, reloadFailures: engine.counters.configReloadFailures ?? 0 };
  const base: StatusReport = {
    version: STATUS_VERSION,
    ...engine,
    drain: null,
    config: { ...parts.configInfo(), ...counted },
    metrics: parts.metrics?.() ?? null,
    pid: process.pid,
  };
  return base.flags.drain ? { ...base, drain: drainConditions(base) } : base;
}

/** The sockets' view of the service. */
export function createServiceApi(parts: ServiceParts): ServiceApi {
  const log = parts.log.child({ component: 'service' });
  return {
    status: () => buildReport(parts),
    history: (limit: number): Promise<Timeline[]> => parts.engine().history(limit),
    onEvent(event: DevdEvent): void {
      const engine = parts.engine();
      engine.increment('eventsReceived');
      log.info({ vhid: event.vhid, interface: event.interface, type: event.type }, 'devd event: re-observing CARP');
      engine.requestReconcile(`devd ${event.subsystem} ${event.type}`);
    },
    onDrop(reason: DropReason): void {
      const engine = parts.engine();
      engine.increment('eventsDropped');
      engine.increment(`eventsDropped.${reason}`);
    },
    reconcileNow: () => parts.engine().reconcileNow(),
    async setFlag(flag: 'drain' | 'freeze', on: boolean): Promise<StatusReport> {
      await parts.flags.set(flag, on, { who: 'control socket', when: new Date().toISOString() });
      log.warn({ flag, on }, `operator ${on ? 'set' : 'cleared'} ${flag}`);
      await parts.engine().reconcileNow();
      // A flag write that fails (a full state filesystem) changes nothing; a drain whose maintenance
      // demotion cannot be raised is undone, so a drain takes effect fully or fails with no partial state.
      const report = buildReport(parts);
      if (flag === 'drain' && on && report.demotion.ours.maintenance === 0) {
        await parts.flags.set('drain', false, { who: 'control socket (drain undone)' });
        await parts.engine().reconcileNow();
        throw new CarpFailoverError('STATE_UNREADABLE', 'drain not applied: the maintenance demotion could not be raised (see the log: demotion record or sysctl write failed); the drain flag was removed again, nothing changed', {
          details: { demotionErrors: report.counters.demotionErrors ?? null },
        });
      }
      return report;
    },
    async releaseFailback(): Promise<{ released: boolean; report: StatusReport }> {
      const { released } = await parts.engine().releaseFailback();
      log.warn({ released }, released ? 'operator released the fail-back hold' : 'release asked, but no fail-back hold was held');
      return { released, report: buildReport(parts) };
    },
  };
}
