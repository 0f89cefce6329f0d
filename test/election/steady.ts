// The starting point of the election scenarios: a (advskew 0) has been MASTER alone, b (advskew
// 100) joined later; both converged, boot hold-downs released, both upstream checks up.
import { expect } from 'vitest';
import type { DemotionReason } from '../../src/model.js';
import type { Router } from '../blue-green/kernel.js';
import { electionWorld, type ElectionNode, type ElectionWorld } from './rig.js';

export interface Pair {
  w: ElectionWorld;
  nodes: Record<Router, ElectionNode>;
}

export async function steadyPair(config: Record<string, unknown> = {}): Promise<Pair> {
  const w = electionWorld({ master: 'a', config });
  const a = w.node('a');
  const b = w.node('b', { up: false });
  await a.start();
  await w.run(10_000);
  w.kernel.setUp('b', true);
  await b.start();
  await w.run(10_000);
  expect(w.kernel.master).toBe('a');
  for (const node of [a, b]) {
    expect(node.demotion.ours).toEqual({ boot: 0, maintenance: 0, readiness: 0, path: 0, failback: 0 });
    expect(node.engine.status().election.checks[0]).toMatchObject({ name: 'upstream', state: 'up' });
  }
  return { w, nodes: { a, b } };
}

/** One step of a scenario. */
export type Action =
  | { cut: Router }
  | { restore: Router }
  | { drain: Router }
  | { undrain: Router }
  | { unready: Router }
  | { ready: Router }
  | { release: Router }
  | { reboot: Router }
  | { flap: Router; everyMs: number; forMs: number }
  | { wait: number };

/** Plays one action on the pair (waits included). Returns a replaced node after a reboot. */
export async function play(pair: Pair, action: Action): Promise<void> {
  const { w, nodes } = pair;
  if ('wait' in action) return w.run(action.wait);
  if ('cut' in action) w.upstream[action.cut] = false;
  else if ('restore' in action) w.upstream[action.restore] = true;
  else if ('drain' in action || 'undrain' in action) {
    const router = 'drain' in action ? action.drain : action.undrain;
    nodes[router].flags.drain = 'drain' in action;
    nodes[router].engine.requestReconcile('flag drain');
  } else if ('unready' in action || 'ready' in action) {
    const router = 'unready' in action ? action.unready : action.ready;
    nodes[router].ospf.holds = 'unready' in action ? [{ resource: 'ospf:gre0', reason: 'no Full neighbour on gre0' }] : [];
    nodes[router].engine.requestReconcile('test');
  } else if ('release' in action) await nodes[action.release].engine.releaseFailback();
  else if ('flap' in action) {
    for (let t = 0; t < action.forMs; t += action.everyMs) {
      w.upstream[action.flap] = !w.upstream[action.flap];
      await w.run(action.everyMs);
    }
    w.upstream[action.flap] = true;
  } else if ('reboot' in action) {
    // Power cut: the service dies with the box, CARP stops advertising; the kernel's counter is
    // reset by the new boot; the service starts (boot hold) before CARP advertises again.
    const old = nodes[action.reboot];
    w.kernel.setUp(action.reboot, false);
    await old.stop();
    await w.run(10_000);
    for (const reason of Object.keys(old.demotion.ours) as DemotionReason[]) old.demotion.ours[reason] = 0;
    // rc.d/carp_failover_early's boot-hold, before netif brings CARP up.
    old.demotion.ours.boot = old.config.carp.demotion.boot;
    const fresh = w.node(action.reboot, { restartOf: old });
    nodes[action.reboot] = fresh;
    const starting = fresh.start();
    w.kernel.setUp(action.reboot, true);
    await starting;
  }
  await w.run(100);
}
