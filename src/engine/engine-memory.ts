// What the engine remembers between runs of both lanes: the config and resources in use, the
// role with its mastership epoch, what each lane last achieved, and per-resource bookkeeping.
// One place for these facts: both lanes read and update it, the status is built from it.
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import type { NodeRole, VhidState } from '../model.js';
import type { AnyResource, Mastership } from '../resources/resource.js';
import type { Journal } from '../status/journal.js';
import { freshState, resetBackoff, type ResourceState } from './resource-state.js';
import { targetRole } from './role.js';

/** The engine's memory that runs read and update. */
export interface EngineMemory {
  config: Config;
  resources: AnyResource[];
  states: Map<string, ResourceState>;
  role: NodeRole;
  roleSince: number;
  /** Grows by one at each entry into MASTER (0 before the first): the mastership epoch. */
  epoch: number;
  /** When this node last stopped being MASTER (epoch ms), null if it never was. */
  masterEndedAt: number | null;
  /** The epoch in which the local lane last converged with this role, null since a transition. */
  localConverged: { epoch: number; role: NodeRole } | null;
  /** What the last local run told resources: keep the path OVH still routes here. */
  keepPath: boolean;
  /** The provider lane's last run ended with every relevant resource in sync. */
  providerConverged: boolean;
  vhids: VhidState[];
  /** Consecutive failed CARP reads (backoff for the next try). */
  carpFailures: number;
  counters: Record<string, number>;
}

/** A transition seen at the start of a run. */
export interface Transition {
  from: NodeRole;
  to: NodeRole;
  at: number;
}

/** The memory of an engine that has not observed anything yet. */
export function freshMemory(config: Config, resources: AnyResource[], now: number, counters: Record<string, number>): EngineMemory {
  return {
    config,
    resources: [...resources],
    states: new Map(),
    role: 'INIT',
    roleSince: now,
    epoch: 0,
    masterEndedAt: null,
    localConverged: null,
    keepPath: false,
    providerConverged: true,
    vhids: config.carp.vhids.map((v) => ({ vhid: v.vhid, interface: v.interface, state: 'UNKNOWN' })),
    carpFailures: 0,
    counters,
  };
}

/** The engine's word on mastership, as every resource is told it. */
export function mastershipOf(memory: EngineMemory): Mastership {
  return { role: memory.role, target: targetRole(memory.role), since: memory.roleSince, epoch: memory.epoch };
}

/** Records the observed vhids and role; on a change, the transition (journaled and logged). */
export function noteRole(memory: EngineMemory, journal: Journal, now: number, vhids: VhidState[], role: NodeRole, log: Logger): Transition | null {
  memory.vhids = vhids;
  if (role === memory.role) return null;
  const from = memory.role;
  memory.role = role;
  memory.roleSince = now;
  if (role === 'MASTER') memory.epoch++;
  if (from === 'MASTER') memory.masterEndedAt = now;
  memory.localConverged = null;
  memory.providerConverged = false;
  memory.counters.transitions = (memory.counters.transitions ?? 0) + 1;
  // A new role deserves prompt first attempts, not the delays earned under the old one.
  for (const state of memory.states.values()) resetBackoff(state);
  journal.append({ t: new Date(now).toISOString(), type: 'transition', from, to: role, vhids });
  log.warn({ from, to: role, vhids, epoch: memory.epoch }, `role ${from} → ${role}`);
  return { from, to: role, at: now };
}

/** The bookkeeping of one resource, created on first use. */
export function stateOf(memory: EngineMemory, id: string): ResourceState {
  let state = memory.states.get(id);
  if (!state) memory.states.set(id, (state = freshState()));
  return state;
}

/** The earliest requeue among the given resources' states, dropping the ones already due. */
export function earliestRequeue(memory: EngineMemory, resources: readonly AnyResource[], now: number): number | null {
  let at: number | null = null;
  for (const resource of resources) {
    const state = memory.states.get(resource.id);
    if (!state || state.requeueAt === null) continue;
    if (state.requeueAt <= now) state.requeueAt = null;
    else at = at === null ? state.requeueAt : Math.min(at, state.requeueAt);
  }
  return at;
}
