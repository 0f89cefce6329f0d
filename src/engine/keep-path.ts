// "Never break a path OVH still uses": a node that stopped being MASTER keeps its side of the
// failover IP's path (follow-carp tunnels up) while a failover IP's last read binding still points
// here, for a bounded time. Decided here from the engine's memory, told to resources in
// DesiredContext.keepPath; the provider lane re-reads the binding meanwhile (read only).
import type { Config } from '../config/schema.js';
import { mastershipOf, type EngineMemory } from './engine-memory.js';

/** How long after leaving MASTER the path may be kept: ovh.keep_path_s, by default the task timeout. */
export function keepPathBoundMs(config: Config): number {
  return (config.ovh.keep_path_s ?? config.ovh.task_timeout_s) * 1000;
}

/** Whether to keep the path now, and until when at the latest (null when not kept). */
export function keepPathNow(memory: EngineMemory, now: number): { keep: boolean; until: number | null } {
  const mastership = mastershipOf(memory);
  if (mastership.target === 'MASTER' || memory.masterEndedAt === null) return { keep: false, until: null };
  const until = memory.masterEndedAt + keepPathBoundMs(memory.config);
  if (now >= until) return { keep: false, until: null };
  const stillHere = memory.resources.some((resource) => {
    if (resource.lane !== 'provider') return false;
    try {
      const status = resource.status(mastership);
      // shared-vmac: the binding is the shared vMAC whoever is MASTER; the path follows whoever
      // carries it, so a BACKUP keeping it would only make two ports source the vMAC.
      return status.kind === 'ovh' && status.strategy !== 'shared-vmac' && status.binding?.ours === true;
    } catch {
      return false; // a broken status() says nothing about the binding
    }
  });
  return stillHere ? { keep: true, until } : { keep: false, until: null };
}
