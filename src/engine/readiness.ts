// Readiness: the union of every resource's unmet checks in its latest observation. While any
// holds, the engine keeps the readiness demotion so this node does not take MASTER unfit.
import type { Logger } from 'pino';
import type { AnyResource, ReadinessHold } from '../resources/resource.js';
import type { ResourceState } from './resource-state.js';

/**
 * Collects holds; a check that throws holds too (unknown is not ready). A resource whose
 * observations all failed is asked with `undefined`, so it can hold for the failure itself
 * (ospfd not answering at boot is the case that matters).
 */
export function collectReadinessHolds(resources: readonly AnyResource[], states: ReadonlyMap<string, ResourceState>, log: Logger): ReadinessHold[] {
  const holds: ReadinessHold[] = [];
  for (const resource of resources) {
    const state = states.get(resource.id);
    if (!resource.readiness || !state?.observeAttempted) continue;
    try {
      holds.push(...resource.readiness(state.observed ? state.actual : undefined));
    } catch (error) {
      holds.push({ resource: resource.id, reason: `readiness check failed: ${error instanceof Error ? error.message : String(error)}` });
      log.warn({ err: error, resource: resource.id }, 'readiness check threw');
    }
  }
  return holds;
}
