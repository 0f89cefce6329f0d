// A fake sysctl(8) for the CARP sysctls, behind a FakeHost, answering from the tests' one model of
// FreeBSD's kernel knobs (test/fakes/freebsd-kernel.mjs): a demotion write ADDS (ip_carp.c
// carp_demote_adj → atomic_add_int), and a reboot resets the counter with a new kern.boottime.
import { FakeHost } from '../../fakes/host.js';
import { runSysctl, type KernelSysctls } from '../../fakes/freebsd-kernel.mjs';

export const SYSCTL = '/sbin/sysctl';

export class FakeKernel {
  private readonly values: KernelSysctls = { demotion: 0, preempt: 1, allow: 1, boottime: 1_700_000_000_042 };
  writes: number[] = [];
  /** When set, the next demotion write throws this instead of (or after) applying. */
  failNextWrite: { apply: boolean; timedOut?: boolean } | null = null;

  get demotion(): number {
    return this.values.demotion;
  }
  set demotion(value: number) {
    this.values.demotion = value;
  }
  get preempt(): number {
    return this.values.preempt;
  }
  set preempt(value: number) {
    this.values.preempt = value;
  }
  get allow(): number {
    return this.values.allow;
  }
  set allow(value: number) {
    this.values.allow = value;
  }

  /** kern.boottime's seconds. */
  get bootSec(): number {
    return Math.floor(this.values.boottime / 1000);
  }

  reboot(): void {
    this.values.demotion = 0;
    this.values.boottime += 3_600_000;
  }

  host(): FakeHost {
    return new FakeHost().on([SYSCTL], (argv) => this.answer(argv));
  }

  private answer(argv: readonly string[]): string | { stdout?: string; stderr?: string; exitCode?: number; timedOut?: boolean } {
    const isWrite = argv.slice(1).some((arg) => arg.startsWith('net.inet.carp.demotion='));
    const failure = isWrite ? this.failNextWrite : null;
    if (isWrite) this.failNextWrite = null;
    if (failure && !failure.apply) return { exitCode: 1, timedOut: failure.timedOut ?? false, stderr: 'sysctl: net.inet.carp.demotion: Operation not permitted' };
    const result = runSysctl(argv.slice(1), this.values);
    this.writes.push(...result.writes);
    if (failure) return { exitCode: 1, timedOut: failure.timedOut ?? false, stderr: 'sysctl: net.inet.carp.demotion: Operation not permitted' };
    return result.exitCode === 0 ? result.stdout : { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
  }
}
