// The engine's part of the status report; the daemon adds config, pid, drain and version.
import type { DemotionSnapshot } from '../host/freebsd/ports.js';
import type { ElectionStatus } from '../election/check-status.js';
import type { ReadinessHold } from '../resources/resource.js';
import { isoTime, type StatusReport } from '../status/model.js';
import type { OperatorFlags } from '../model.js';
import { mastershipOf, type EngineMemory } from './engine-memory.js';
import { freshState, resourceStatus } from './resource-state.js';

/** What Engine.status() answers. */
export type EngineStatus = Omit<StatusReport, 'config' | 'pid' | 'drain' | 'version' | 'metrics'>;

/** Counters that always appear in status, even at zero (metrics want stable series). */
export const ENGINE_COUNTERS = [
  'eventsReceived',
  'eventsDropped',
  'transitions',
  'reconciles',
  'reconcileErrors',
  'convergeErrors',
  'configReloads',
  'configReloadFailures',
  'carpErrors',
  'demotionErrors',
  'journalErrors',
  'metricsListenFailures',
] as const;

/** The hold shown while the boot hold-down lasts, so status names every reason we are demoted. */
export const BOOT_HOLD: ReadinessHold = { resource: 'boot', reason: 'boot hold-down: waiting for the first clean reconcile with readiness met' };

export interface StatusInput {
  memory: EngineMemory;
  demotion: DemotionSnapshot;
  flags: OperatorFlags;
  holds: ReadinessHold[];
  bootHeld: boolean;
  lastReconcile: StatusReport['lastReconcile'];
  convergence: StatusReport['convergence'];
  journalErrors: number;
  startedAt: number;
  heartbeatAt: number;
  election: ElectionStatus;
}

/** Builds the engine status from its memory; copies everything so callers cannot mutate it. */
export function buildEngineStatus(input: StatusInput): EngineStatus {
  const { memory } = input;
  const holds = input.bootHeld ? [BOOT_HOLD, ...input.holds] : [...input.holds];
  const mastership = mastershipOf(memory);
  return {
    node: memory.config.node,
    role: memory.role,
    roleSince: isoTime(memory.roleSince),
    vhids: memory.vhids.map((v) => ({ ...v })),
    demotion: { ...input.demotion, ours: { ...input.demotion.ours } },
    flags: { ...input.flags },
    readiness: { ready: holds.length === 0, holds },
    resources: memory.resources.map((r) => resourceStatus(r, memory.states.get(r.id) ?? freshState(), mastership)),
    counters: { ...memory.counters, journalErrors: input.journalErrors },
    lastReconcile: input.lastReconcile ? { ...input.lastReconcile } : null,
    convergence: { ...input.convergence },
    startedAt: isoTime(input.startedAt),
    heartbeatAt: isoTime(input.heartbeatAt),
    election: input.election,
  };
}
