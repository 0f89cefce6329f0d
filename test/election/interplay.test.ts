// Every interplay of the reasons we demote for — boot, readiness, maintenance (drain), path and
// failback — on two routers that elect through one CARP kernel (advskew + demotion capped at
// 240; a MASTER keeps its role on a tie; preempt on), each running the real Engine and Election
// on a fake clock. a is preferred (advskew 0), b the standby (100). Each row: the fail-back
// mode, what happens, who is MASTER after each change of MASTER, and our shares at the end.
import { afterEach, describe, expect, it } from 'vitest';
import type { DemotionReason } from '../../src/model.js';
import type { Router } from '../blue-green/kernel.js';
import { play, steadyPair, type Action, type Pair } from './steady.js';

type Shares = Partial<Record<DemotionReason, number>>;

interface Row {
  name: string;
  failback?: { mode: 'auto' | 'hold' | 'manual'; hold_s?: number };
  weight?: number;
  actions: Action[];
  /** Every new MASTER, in order, after the steady start. */
  masters: Router[];
  a?: Shares;
  b?: Shares;
  /** a's fail-back hold at the end. */
  hold?: 'idle' | 'waiting' | 'holding';
}

const HOLD = { mode: 'hold', hold_s: 60 } as const;
const rows: Row[] = [
  { name: 'auto: the MASTER loses its upstream, the peer leads; restored, it takes MASTER back', actions: [{ cut: 'a' }, { wait: 10_000 }, { restore: 'a' }, { wait: 10_000 }], masters: ['b', 'a'], a: { path: 0, failback: 0 } },
  { name: 'hold: restored and ready, the preferred router waits hold_s before it takes MASTER back', failback: HOLD, actions: [{ cut: 'a' }, { wait: 10_000 }, { restore: 'a' }, { wait: 50_000 }], masters: ['b'], a: { path: 0, failback: 240 }, hold: 'holding' },
  { name: 'hold: after hold_s it takes MASTER back and the share is gone', failback: HOLD, actions: [{ cut: 'a' }, { wait: 10_000 }, { restore: 'a' }, { wait: 70_000 }], masters: ['b', 'a'], a: { path: 0, failback: 0 }, hold: 'idle' },
  { name: 'hold: the path failing again during the countdown starts it over', failback: HOLD, actions: [{ cut: 'a' }, { wait: 10_000 }, { restore: 'a' }, { wait: 40_000 }, { cut: 'a' }, { wait: 10_000 }, { restore: 'a' }, { wait: 40_000 }], masters: ['b'], a: { failback: 240 }, hold: 'holding' },
  { name: 'manual: ready for ten minutes, still waiting for release', failback: { mode: 'manual' }, actions: [{ cut: 'a' }, { wait: 10_000 }, { restore: 'a' }, { wait: 600_000 }], masters: ['b'], a: { failback: 240 }, hold: 'holding' },
  { name: 'manual: release lets it take MASTER back; the peer it preempts holds nothing (not a failure)', failback: { mode: 'manual' }, actions: [{ cut: 'a' }, { wait: 10_000 }, { restore: 'a' }, { wait: 10_000 }, { release: 'a' }, { wait: 5000 }], masters: ['b', 'a'], a: { failback: 0 }, b: { failback: 0, path: 0 }, hold: 'idle' },
  { name: 'manual: release while not ready yet ends the hold too; the path still demotes', failback: { mode: 'manual' }, actions: [{ cut: 'a' }, { wait: 10_000 }, { release: 'a' }, { wait: 5000 }], masters: ['b'], a: { failback: 0, path: 240 }, hold: 'idle' },
  { name: 'drain of the MASTER: the peer leads, no fail-back hold; undrain gives MASTER back at once', failback: HOLD, actions: [{ drain: 'a' }, { wait: 10_000 }, { undrain: 'a' }, { wait: 5000 }], masters: ['b', 'a'], a: { maintenance: 0, failback: 0 }, hold: 'idle' },
  { name: 'drain while a hold runs: the drain replaces it, and undrain releases it', failback: HOLD, actions: [{ cut: 'a' }, { wait: 10_000 }, { restore: 'a' }, { wait: 10_000 }, { drain: 'a' }, { wait: 5000 }, { undrain: 'a' }, { wait: 5000 }], masters: ['b', 'a'], a: { failback: 0, maintenance: 0 }, hold: 'idle' },
  { name: 'both lose the upstream (weight 240, capped): the same share, a tie, no transition', actions: [{ cut: 'a' }, { cut: 'b' }, { wait: 20_000 }], masters: [], a: { path: 240 }, b: { path: 240 } },
  { name: 'both lose the upstream (weight 50): the same share, the order unchanged, no transition', weight: 50, actions: [{ cut: 'a' }, { cut: 'b' }, { wait: 20_000 }], masters: [], a: { path: 50 }, b: { path: 50 } },
  { name: 'both lost it, the standby gets it back first: it leads; then the preferred one takes over again', actions: [{ cut: 'a' }, { cut: 'b' }, { wait: 10_000 }, { restore: 'b' }, { wait: 10_000 }, { restore: 'a' }, { wait: 10_000 }], masters: ['b', 'a'], a: { path: 0 }, b: { path: 0 } },
  { name: 'the BACKUP loses its upstream: it demotes itself, nothing moves', failback: HOLD, actions: [{ cut: 'b' }, { wait: 10_000 }], masters: [], b: { path: 240, failback: 0 } },
  { name: 'the upstream flapping every 2 s for 30 s (faster than fall × interval): no transition', failback: HOLD, actions: [{ flap: 'a', everyMs: 2000, forMs: 30_000 }, { wait: 5000 }], masters: [], a: { path: 0, failback: 0 }, hold: 'idle' },
  { name: 'readiness lost on the MASTER under hold: the peer leads, and the hold counts from readiness back', failback: HOLD, actions: [{ unready: 'a' }, { wait: 10_000 }, { ready: 'a' }, { wait: 30_000 }], masters: ['b'], a: { readiness: 0, failback: 240 }, hold: 'holding' },
  { name: 'readiness lost and back, hold_s later it leads again', failback: HOLD, actions: [{ unready: 'a' }, { wait: 10_000 }, { ready: 'a' }, { wait: 70_000 }], masters: ['b', 'a'], a: { readiness: 0, failback: 0 } },
  { name: 'the MASTER reboots (auto): boot hold first, then it takes MASTER back', actions: [{ reboot: 'a' }, { wait: 20_000 }], masters: ['b', 'a'], a: { boot: 0, failback: 0 } },
  { name: 'the MASTER reboots (hold): it leads again only hold_s after its boot hold ended', failback: HOLD, actions: [{ reboot: 'a' }, { wait: 40_000 }], masters: ['b'], a: { boot: 0, failback: 240 }, hold: 'holding' },
  { name: 'the MASTER reboots (hold) and hold_s passes: it leads again', failback: HOLD, actions: [{ reboot: 'a' }, { wait: 80_000 }], masters: ['b', 'a'], a: { boot: 0, failback: 0 }, hold: 'idle' },
  { name: 'a reboot with the upstream dead: the boot hold waits for the check, path takes over, no MASTER for a', failback: HOLD, actions: [{ cut: 'a' }, { wait: 10_000 }, { reboot: 'a' }, { wait: 30_000 }], masters: ['b'], a: { boot: 0, path: 240, failback: 240 }, hold: 'waiting' },
];

let pair: Pair | null = null;
afterEach(async () => {
  await pair?.w.close();
  pair = null;
});

describe('drain, boot, readiness, path and fail-back together', () => {
  it.each(rows)('$name', async (row) => {
    const check = { name: 'upstream', type: 'icmp', target: '198.51.100.1', interval_ms: 1000, timeout_ms: 500, fall: 3, rise: 3, weight: row.weight ?? 240 };
    pair = await steadyPair({ failback: row.failback ?? { mode: 'auto' }, health: { checks: [check] } });
    const since = pair.w.clock.now();
    for (const action of row.actions) await play(pair, action);
    expect(pair.w.elections(since).map((e) => e.master)).toEqual(row.masters);
    if (row.a) expect(pair.nodes.a.demotion.ours).toMatchObject(row.a);
    if (row.b) expect(pair.nodes.b.demotion.ours).toMatchObject(row.b);
    if (row.hold) expect(pair.nodes.a.engine.status().election.failback.state).toBe(row.hold);
    // What status says is what the kernel holds.
    for (const node of Object.values(pair.nodes)) expect(node.engine.status().demotion.ours).toEqual(node.demotion.ours);
  });
});
