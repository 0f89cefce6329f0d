// Restart while drained: router a, drained (the peer b holds MASTER and the failover IP), is
// rebooted. The kernel forgets its demotion; the drain file in the state directory does not. The
// new Engine must apply the maintenance contribution before its first CARP observation, and a,
// which advertises better than b when not demoted, must never take MASTER back. The same reboot
// without the drain file shows that it would (so the first assertion can fail).
//
// Modelled: the kernel runs its election again at a's first advertisement, i.e. at the first
// demotion write of the service starting with the interfaces. Not modelled: a window between the
// interfaces coming up and the service starting, in which no demotion is held yet.
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { IP } from '../ovh-mock/fixtures.js';
import { COST } from './host.js';
import type { KernelEvent } from './kernel.js';
import type { Node, World } from './rig.js';
import { twoRouters } from './two-routers.js';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** Drains a until confirmed, powers it off and boots it again with the state directory kept. */
async function rebootDrained(options: { keepDrainFile: boolean }): Promise<{ w: World; a: Node; b: Node; traceFrom: number; bootedAt: number }> {
  const { w, a: before, b } = await twoRouters('vmac');
  world = w;
  await before.api.setFlag('drain', true);
  await w.run(120_000);
  expect(before.report().drain!.drained).toBe(true);

  w.kernel.setUp('a', false); // power off: a stops advertising
  await before.stop();
  if (!options.keepDrainFile) rmSync(before.flags.pathOf('drain'));
  await w.run(30_000);
  expect(w.kernel.master).toBe('b');

  const traceFrom = w.kernel.trace.length;
  const bootedAt = w.clock.now();
  // After a reboot rc.conf has brought gre0 up and ospfd has its configured (MASTER) cost again.
  const a = await w.node('a', { host: { greUp: true, cost: COST.master } });
  expect(a.flags.get().drain).toBe(options.keepDrainFile);
  expect(a.demotion.total).toBe(0); // the kernel counter starts from 0 after a reboot
  await a.engine.start();
  return { w, a, b, traceFrom, bootedAt };
}

describe('restart while drained', () => {
  it('re-applies the maintenance demotion before the first CARP observation and never takes MASTER back', async () => {
    const { w, a, b, traceFrom, bootedAt } = await rebootDrained({ keepDrainFile: true });
    const trace: KernelEvent[] = w.kernel.trace.slice(traceFrom).filter((e) => e.router === 'a');
    const firstObserve = trace.findIndex((e) => e.kind === 'observe');
    expect(trace.slice(0, firstObserve)).toEqual([
      { router: 'a', kind: 'demotion', reason: 'boot', value: 240 },
      { router: 'a', kind: 'demotion', reason: 'maintenance', value: 240 },
    ]);
    const roles: string[] = [];
    await w.run(600_000, () => roles.push(a.report().role));
    // The boot hold-down ended with the first clean run, as BACKUP; maintenance is still held.
    const after = w.kernel.trace.slice(traceFrom).filter((e) => e.router === 'a' && e.kind === 'demotion');
    expect(after).toEqual([
      { router: 'a', kind: 'demotion', reason: 'boot', value: 240 },
      { router: 'a', kind: 'demotion', reason: 'maintenance', value: 240 },
      { router: 'a', kind: 'demotion', reason: 'readiness', value: 0 },
      { router: 'a', kind: 'demotion', reason: 'path', value: 0 },
      { router: 'a', kind: 'demotion', reason: 'failback', value: 0 },
      { router: 'a', kind: 'demotion', reason: 'boot', value: 0 },
    ]);
    expect(a.demotion.ours).toEqual({ boot: 0, maintenance: 240, readiness: 0, path: 0, failback: 0 });
    expect(new Set(roles)).toEqual(new Set(['BACKUP']));
    expect(w.kernel.elections.filter((e) => e.at >= bootedAt)).toEqual([]);
    expect(w.kernel.master).toBe('b');

    const report = a.report();
    expect(report.flags.drain).toBe(true);
    expect(report.drain!.drained).toBe(true);
    // It converged as BACKUP only: the cost raised and the tunnel taken down, no OVH write.
    expect(a.host.writes()).toEqual([`/usr/local/bin/vtysh -c configure terminal -c interface gre0 -c ip ospf cost ${COST.backup}`, '/sbin/ifconfig gre0 down']);
    expect(w.ovhWrites('a', bootedAt)).toEqual([]);
    expect(w.binding()).toBe(w.target('b'));
    expect(b.report()).toMatchObject({ role: 'MASTER' });
    expect(b.report().resources.find((r) => r.id === `ovh:${IP}`)!.inSync).toBe(true);
  });

  it('without the drain file the same reboot takes MASTER back once the boot hold-down ends', async () => {
    const { w, a, traceFrom, bootedAt } = await rebootDrained({ keepDrainFile: false });
    await w.run(60_000);
    const trace = w.kernel.trace.slice(traceFrom).filter((e) => e.router === 'a' && e.kind === 'demotion');
    expect(trace.flatMap((e) => (e.kind === 'demotion' && e.reason === 'maintenance' ? [e.value] : []))).toEqual([0]);
    expect(w.kernel.elections.filter((e) => e.at >= bootedAt).map((e) => e.master)).toEqual(['a']);
    expect(a.report()).toMatchObject({ role: 'MASTER', flags: { drain: false }, drain: null });
    expect(w.binding()).toBe(w.target('a'));
  });
});
