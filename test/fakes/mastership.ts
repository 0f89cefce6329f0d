// What the engine tells a resource, built by hand for resource tests: a Mastership, the
// DesiredContext for desired(), a ResourceContext for observe()/apply(), and the steps of a Plan.
import type { Logger } from 'pino';
import type { Clock } from '../../src/host/ports.js';
import type { DesiredContext, Mastership, Plan, ResourceContext } from '../../src/resources/resource.js';
import { FakeClock } from './clock.js';
import { captureLogger } from './logger.js';

/** MASTER in epoch 1 (the first mastership) or BACKUP in epoch 0, unless told otherwise. */
export function mastership(target: 'MASTER' | 'BACKUP', over: Partial<Mastership> = {}): Mastership {
  return { role: target, target, since: 0, epoch: target === 'MASTER' ? 1 : 0, ...over };
}

/** The desired() input for a role: not draining, no path to keep, unless told otherwise. */
export function desiredContext(target: 'MASTER' | 'BACKUP', over: Partial<DesiredContext> = {}): DesiredContext {
  return { ...mastership(target), draining: false, keepPath: false, ...over };
}

/** An observe()/apply() context; stillMaster answers what the mastership says unless given. */
export function resourceContext(over: Partial<ResourceContext> & { clock?: Clock; log?: Logger } = {}): ResourceContext {
  const m = over.mastership ?? mastership('MASTER');
  return {
    reconcileId: 'r1',
    signal: new AbortController().signal,
    log: captureLogger().log,
    clock: new FakeClock(),
    stillMaster: async () => m.target === 'MASTER',
    ...over,
    mastership: m,
  };
}

/** The steps of a plan; throws (failing the test) when the plan is a wait or blocked. */
export function stepsOf<Step>(plan: Plan<Step>): Step[] {
  if (plan.kind !== 'steps') throw new Error(`expected steps, got ${plan.kind}: ${JSON.stringify(plan)}`);
  return plan.steps;
}
