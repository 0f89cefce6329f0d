// The ServiceApi the sockets call, on top of the engine, the flag store and the journal. It also
// assembles the one StatusReport that status, metrics and drain confirmation all read.
import type { Logger } from 'pino';
import type { Engine } from './engine/engine.js';
import type { FlagStore } from './flags/store.js';
import type { DevdEvent, DropReason, ServiceApi } from './control/service-api.js';
import { CarpFailoverError } from './errors.js';
import { drainConditions } from './status/drain.js';
import { STATUS_VERSION, type StatusReport, type Timeline } from './status/model.js';

/** What the daemon knows about its configuration, for status. */
export interface ConfigInfo {
  path: string;
  loadedAt: string;
  reloads: number;
  reloadFailures: number;
}

export interface ServiceParts {
  engine: () => Engine;
  flags: FlagStore;
  configInfo: () => ConfigInfo;
  log: Logger;
}

/** Builds the status report: the engine's view plus config, pid and, while draining, the drain conditions. */
export function buildReport(parts: ServiceParts): StatusReport {
  const base: StatusReport = {
    version: STATUS_VERSION,
    ...parts.engine().status(),
    drain: null,
    config: parts.configInfo(),
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
    // A flag write that fails (a full state filesystem) changes nothing; a drain whose maintenance
    // demotion cannot be raised is undone, so a drain takes effect fully or fails with no partial state.
    async setFlag(flag: 'drain' | 'freeze', on: boolean): Promise<StatusReport> {
      await parts.flags.set(flag, on, { who: 'control socket', when: new Date().toISOString() });
      log.warn({ flag, on }, `operator ${on ? 'set' : 'cleared'} ${flag}`);
      await parts.engine().reconcileNow();
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
  };
}
