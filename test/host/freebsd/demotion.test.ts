import { lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decideApplied, FreeBsdDemotion, type DemotionCrashPoint } from '../../../src/host/freebsd/demotion.js';
import type { DemotionReason } from '../../../src/model.js';
import { FakeKernel, SYSCTL } from './fake-kernel.js';

let stateDir: string;
beforeEach(() => {
  stateDir = mkdtempSync(join(tmpdir(), 'cf-demotion-'));
});
afterEach(() => rmSync(stateDir, { recursive: true, force: true }));

class Crash extends Error {}

function demotion(kernel: FakeKernel, crashAt?: (point: DemotionCrashPoint) => boolean, mode?: 'service' | 'boot-hold') {
  const host = kernel.host();
  const instance = new FreeBsdDemotion({
    host,
    sysctl: SYSCTL,
    stateDir,
    mode,
    crashHook: (point) => {
      if (crashAt?.(point)) throw new Crash(point);
    },
  });
  return { instance, host };
}

describe('FreeBsdDemotion', () => {
  it('tells a service restart in the same boot from a first start and from a reboot', async () => {
    const kernel = new FakeKernel();
    expect(await demotion(kernel).instance.restartedInSameBoot()).toBe(false);
    // The first instance left its record; a second one in the same boot is a restart.
    expect(await demotion(kernel).instance.restartedInSameBoot()).toBe(true);
    kernel.reboot();
    expect(await demotion(kernel).instance.restartedInSameBoot()).toBe(false);
    expect(await demotion(kernel).instance.restartedInSameBoot()).toBe(true);
  });

  it('boot then ready removes exactly the boot contribution and leaves others alone', async () => {
    const kernel = new FakeKernel();
    kernel.demotion = 240; // the kernel's own ifdown demotion (carp_ifdown_adj)
    const { instance, host } = demotion(kernel);
    await instance.set('boot', 240);
    expect(kernel.demotion).toBe(480);
    await instance.set('boot', 0);
    expect(kernel.demotion).toBe(240);
    expect(kernel.writes).toEqual([240, -240]);
    expect(host.commandLines()).toContain('/sbin/sysctl net.inet.carp.demotion=240');
    expect(host.commandLines()).toContain('/sbin/sysctl net.inet.carp.demotion=-240');
  });

  it('two reasons overlapping add and remove independently', async () => {
    const kernel = new FakeKernel();
    const { instance } = demotion(kernel);
    await instance.set('maintenance', 240);
    await instance.set('readiness', 100);
    expect(kernel.demotion).toBe(340);
    await instance.set('maintenance', 0);
    expect(kernel.demotion).toBe(100);
    await instance.set('readiness', 50);
    expect(kernel.demotion).toBe(50);
    expect((await instance.snapshot()).ours).toEqual({ boot: 0, maintenance: 0, readiness: 50, path: 0, failback: 0 });
  });

  it('set is idempotent: the same value twice writes once', async () => {
    const kernel = new FakeKernel();
    const { instance, host } = demotion(kernel);
    await instance.set('boot', 240);
    const calls = host.calls.length;
    await instance.set('boot', 240);
    expect(kernel.writes).toEqual([240]);
    expect(host.calls.length).toBe(calls);
  });

  it('snapshot reports the kernel total, ours by reason, preempt and allow', async () => {
    const kernel = new FakeKernel();
    kernel.demotion = 5;
    kernel.preempt = 0;
    const { instance } = demotion(kernel);
    await instance.set('readiness', 10);
    expect(await instance.snapshot()).toEqual({ total: 15, ours: { boot: 0, maintenance: 0, readiness: 10, path: 0, failback: 0 }, preempt: false, allow: true });
    expect(await instance.sysctls()).toEqual({ demotion: 15, preempt: false, allow: true });
  });

  it('snapshot shows null for sysctls it cannot read', async () => {
    const kernel = new FakeKernel();
    const { instance, host } = demotion(kernel);
    await instance.snapshot();
    host.on([SYSCTL, '-n', 'net.inet.carp.preempt'], { exitCode: 1, stderr: "sysctl: unknown oid 'net.inet.carp.preempt'" });
    expect((await instance.snapshot()).preempt).toBeNull();
    await expect(instance.sysctls()).rejects.toMatchObject({ code: 'COMMAND_FAILED' });
  });

  it('a restart keeps the contributions; a reboot forgets them (the kernel counter was reset)', async () => {
    const kernel = new FakeKernel();
    await demotion(kernel).instance.set('boot', 240);
    const restarted = demotion(kernel).instance;
    expect((await restarted.snapshot()).ours.boot).toBe(240);
    await restarted.set('boot', 0);
    expect(kernel.demotion).toBe(0);

    await demotion(kernel).instance.set('maintenance', 240);
    kernel.reboot();
    const afterReboot = demotion(kernel).instance;
    expect((await afterReboot.snapshot()).ours.maintenance).toBe(0);
    await afterReboot.set('maintenance', 240);
    expect(kernel.demotion).toBe(240);
  });

  it('boot-hold before the network: the service takes its contributions over as its own first start', async () => {
    const kernel = new FakeKernel();
    kernel.reboot();
    const early = demotion(kernel, undefined, 'boot-hold').instance;
    expect(await early.restartedInSameBoot()).toBe(false);
    await early.set('boot', 240);
    await early.set('maintenance', 240);
    expect(kernel.demotion).toBe(480);
    expect(JSON.parse(readFileSync(join(stateDir, 'demotion.json'), 'utf8'))).toMatchObject({ heldEarly: true, ours: { boot: 240, maintenance: 240 } });

    // The service starting later is not a restart of itself (it holds the boot hold-down), and
    // re-asserting the same contributions writes nothing: no double demotion.
    const service = demotion(kernel).instance;
    expect(await service.restartedInSameBoot()).toBe(false);
    await service.set('boot', 240);
    await service.set('maintenance', 240);
    expect(kernel.writes).toEqual([240, 240]);
    expect(JSON.parse(readFileSync(join(stateDir, 'demotion.json'), 'utf8'))).not.toHaveProperty('heldEarly');
    await service.set('boot', 0);
    expect(kernel.demotion).toBe(240);

    // From now on a service start in this boot is a restart.
    expect(await demotion(kernel).instance.restartedInSameBoot()).toBe(true);
  });

  it('boot-hold after the service ran in this boot reads nothing more and changes nothing', async () => {
    const kernel = new FakeKernel();
    await demotion(kernel).instance.set('maintenance', 240);
    // The running service is mid-write: its intent must not be settled by anyone else.
    const record = JSON.parse(readFileSync(join(stateDir, 'demotion.json'), 'utf8')) as Record<string, unknown>;
    const inFlight = JSON.stringify({ ...record, pending: { reason: 'boot', from: 0, to: 240, delta: 240, kernelBefore: 240 } });
    writeFileSync(join(stateDir, 'demotion.json'), inFlight);
    const late = demotion(kernel, undefined, 'boot-hold').instance;
    expect(await late.restartedInSameBoot()).toBe(true);
    await expect(late.set('boot', 240)).rejects.toThrow(/already ran in this boot/);
    expect(kernel.demotion).toBe(240);
    expect(readFileSync(join(stateDir, 'demotion.json'), 'utf8')).toBe(inFlight);
  });

  it('a boot-hold record of an earlier boot is forgotten like any other', async () => {
    const kernel = new FakeKernel();
    await demotion(kernel, undefined, 'boot-hold').instance.set('boot', 240);
    kernel.reboot();
    const service = demotion(kernel).instance;
    expect(await service.restartedInSameBoot()).toBe(false);
    expect((await service.snapshot()).ours.boot).toBe(0);
    expect(JSON.parse(readFileSync(join(stateDir, 'demotion.json'), 'utf8'))).not.toHaveProperty('heldEarly');
  });

  // Issue 14 item 5: a record this service could not have written is kept aside for the operator
  // and the start is treated as after a reboot: the boot hold applies, and no delta derived from
  // the bad values (999999 → a write of -999759) ever reaches the kernel.
  const sameBootRecord = (kernel: FakeKernel, fields: Record<string, unknown>) =>
    JSON.stringify({ version: 1, bootId: `${kernel.bootSec}.42`, ours: { boot: 0, maintenance: 0, readiness: 0 }, pending: null, ...fields });
  it.each([
    ['garbage', () => 'not json at all \u0000', /is not a demotion record this service could have written/],
    ['empty', () => '', /is empty/],
    ['truncated', (k: FakeKernel) => sameBootRecord(k, {}).slice(0, 30), /is not a demotion record/],
    ['negative', (k: FakeKernel) => sameBootRecord(k, { ours: { boot: -240 } }), /is not a demotion record/],
    ['boot: 999999', (k: FakeKernel) => sameBootRecord(k, { ours: { boot: 999999 } }), /is not a demotion record/],
    ['a pending intent out of bounds', (k: FakeKernel) => sameBootRecord(k, { pending: { reason: 'boot', from: 0, to: 5000, delta: 5000, kernelBefore: 0 } }), /is not a demotion record/],
    ['a pending intent from a value we do not hold', (k: FakeKernel) => sameBootRecord(k, { pending: { reason: 'boot', from: 200, to: 0, delta: -200, kernelBefore: 200 } }), /is not a demotion record/],
    ['heldEarly other than true', (k: FakeKernel) => sameBootRecord(k, { heldEarly: 'yes' }), /is not a demotion record/],
  ])('a %s record is kept aside, the boot hold applies as after a reboot, status says so', async (_name, text, reason) => {
    const kernel = new FakeKernel();
    const bad = text(kernel);
    writeFileSync(join(stateDir, 'demotion.json'), bad);
    const { instance } = demotion(kernel);
    expect(await instance.restartedInSameBoot()).toBe(false);
    const aside = readdirSync(stateDir).filter((n) => n.startsWith('demotion.json.bad-'));
    expect(aside).toHaveLength(1);
    expect(readFileSync(join(stateDir, aside[0]!), 'utf8')).toBe(bad);
    const snapshot = await instance.snapshot();
    expect(snapshot.ours).toEqual({ boot: 0, maintenance: 0, readiness: 0, path: 0, failback: 0 });
    expect(snapshot.recordSetAside).toMatchObject({ path: join(stateDir, aside[0]!), reason: expect.stringMatching(reason) });
    await instance.set('boot', 240);
    await instance.set('boot', 0);
    expect(kernel.writes).toEqual([240, -240]);
    // The fresh record is a good one: the next start reads it without complaint.
    const next = demotion(kernel).instance;
    expect(await next.restartedInSameBoot()).toBe(true);
    expect((await next.snapshot()).recordSetAside).toBeUndefined();
  });

  it('a record replaced by a symbolic link is never followed: the link is kept aside, its target untouched', async () => {
    const kernel = new FakeKernel();
    const target = join(stateDir, 'elsewhere');
    writeFileSync(target, 'not yours\n');
    symlinkSync(target, join(stateDir, 'demotion.json'));
    const { instance } = demotion(kernel);
    await instance.set('boot', 240);
    expect(readFileSync(target, 'utf8')).toBe('not yours\n');
    expect(lstatSync(join(stateDir, 'demotion.json')).isFile()).toBe(true);
    expect((await instance.snapshot()).recordSetAside?.reason).toMatch(/is a symbolic link/);
  });

  it('a planted demotion.json.tmp link is not written through', async () => {
    const kernel = new FakeKernel();
    const victim = join(stateDir, 'victim');
    writeFileSync(victim, 'precious\n');
    symlinkSync(victim, join(stateDir, 'demotion.json.tmp'));
    await demotion(kernel).instance.set('boot', 240);
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    expect(JSON.parse(readFileSync(join(stateDir, 'demotion.json'), 'utf8')).ours.boot).toBe(240);
  });

  it('a failed sysctl write is settled from the kernel and reported', async () => {
    const kernel = new FakeKernel();
    const { instance } = demotion(kernel);
    kernel.failNextWrite = { apply: false };
    await expect(instance.set('boot', 240)).rejects.toMatchObject({ code: 'COMMAND_FAILED' });
    expect((await instance.snapshot()).ours.boot).toBe(0);
    kernel.failNextWrite = { apply: true, timedOut: true };
    await expect(instance.set('boot', 240)).rejects.toMatchObject({ code: 'COMMAND_TIMEOUT' });
    expect((await instance.snapshot()).ours.boot).toBe(240);
    expect(kernel.demotion).toBe(240);
  });

  it('rejects values outside what the kernel should ever see', () => {
    const { instance } = demotion(new FakeKernel());
    expect(() => instance.set('boot', -1)).toThrow(/integer/);
    expect(() => instance.set('boot', 1.5)).toThrow(/integer/);
    expect(() => instance.set('nope' as DemotionReason, 1)).toThrow(/unknown demotion reason/);
  });

  it('the state file is private to root', async () => {
    await demotion(new FakeKernel()).instance.set('boot', 240);
    const { statSync } = await import('node:fs');
    expect(statSync(join(stateDir, 'demotion.json')).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(join(stateDir, 'demotion.json'), 'utf8'))).toMatchObject({ version: 1, ours: { boot: 240 }, pending: null });
  });
});

// kill -9 at ANY point: the scenario runs once to count every crash point it passes, then once
// per point with a crash there, a restart (new instance, same state dir and kernel), and the
// rest of the scenario replayed from the interrupted step, as the engine re-asserts desired
// state after a restart. After every completed step the kernel must hold exactly the others'
// share plus our desired contributions.
describe('FreeBsdDemotion survives kill -9 at every point', () => {
  const OTHERS = 17;
  const steps: Array<[DemotionReason, number]> = [
    ['boot', 240],
    ['readiness', 100],
    ['boot', 0],
    ['maintenance', 240],
    ['readiness', 0],
    ['maintenance', 0],
  ];

  function expected(upTo: number): number {
    const ours: Record<string, number> = {};
    for (const [reason, value] of steps.slice(0, upTo + 1)) ours[reason] = value;
    return OTHERS + Object.values(ours).reduce((a, b) => a + b, 0);
  }

  async function countPoints(): Promise<number> {
    const kernel = new FakeKernel();
    kernel.demotion = OTHERS;
    let points = 0;
    const { instance } = demotion(kernel, () => (points++, false));
    for (const [reason, value] of steps) await instance.set(reason, value);
    rmSync(join(stateDir, 'demotion.json'));
    return points;
  }

  it('ends with the right total and never applies or leaks a contribution', async () => {
    const total = await countPoints();
    // the first record's temp file, then per step: intent temp, intent-written, sysctl-written, commit temp, committed
    expect(total).toBe(1 + steps.length * 5);
    for (let crashAt = 0; crashAt < total; crashAt++) {
      rmSync(stateDir, { recursive: true, force: true });
      const kernel = new FakeKernel();
      kernel.demotion = OTHERS;
      let seen = 0;
      let current = demotion(kernel, () => seen++ === crashAt).instance;
      let crashed = false;
      for (let i = 0; i < steps.length; i++) {
        const [reason, value] = steps[i]!;
        try {
          await current.set(reason, value);
        } catch (error) {
          expect(error).toBeInstanceOf(Crash);
          crashed = true;
          current = demotion(kernel).instance; // restart after kill -9
          await current.set(reason, value);
        }
        expect(kernel.demotion, `crash at point ${crashAt}, after step ${i}`).toBe(expected(i));
      }
      expect(crashed, `crash point ${crashAt} was reached`).toBe(true);
      expect(kernel.demotion).toBe(OTHERS);
      expect((await current.snapshot()).ours).toEqual({ boot: 0, maintenance: 0, readiness: 0, path: 0, failback: 0 });
    }
  });
});

describe('decideApplied', () => {
  const intent = { reason: 'boot' as const, from: 0, to: 240, delta: 240, kernelBefore: 10 };
  it('is exact when nobody else moved the counter', () => {
    expect(decideApplied(intent, 250)).toEqual({ value: true, ambiguous: false });
    expect(decideApplied(intent, 10)).toEqual({ value: false, ambiguous: false });
  });
  it('picks the closer hypothesis when someone else moved it', () => {
    expect(decideApplied(intent, 490)).toEqual({ value: true, ambiguous: true });
    expect(decideApplied(intent, 11)).toEqual({ value: false, ambiguous: true });
  });
  it('on a tie, fails closed (assumes the kernel holds more of ours than the record)', () => {
    expect(decideApplied(intent, 130).value).toBe(false);
    expect(decideApplied({ ...intent, from: 240, to: 0, delta: -240, kernelBefore: 250 }, 130).value).toBe(true);
  });
});
