// A fake sysctl(8) with FreeBSD's semantics for the CARP sysctls, behind a FakeHost:
// reading net.inet.carp.demotion returns the counter, writing N ADDS N (carp_demote_adj_sysctl
// → carp_demote_adj → atomic_add_int in sys/netinet/ip_carp.c), and a reboot resets it to 0
// with a new kern.boottime.
import { FakeHost } from '../../fakes/host.js';

export const SYSCTL = '/sbin/sysctl';

export class FakeKernel {
  demotion = 0;
  preempt = 1;
  allow = 1;
  bootSec = 1_700_000_000;
  writes: number[] = [];
  /** When set, the next demotion write throws this instead of (or after) applying. */
  failNextWrite: { apply: boolean; timedOut?: boolean } | null = null;

  reboot(): void {
    this.demotion = 0;
    this.bootSec += 3600;
  }

  host(): FakeHost {
    return new FakeHost().on([SYSCTL], (argv) => this.answer(argv));
  }

  private answer(argv: readonly string[]): string | { stdout?: string; stderr?: string; exitCode?: number; timedOut?: boolean } {
    if (argv[1] === '-n') {
      switch (argv[2]) {
        case 'net.inet.carp.demotion':
          return `${this.demotion}\n`;
        case 'net.inet.carp.preempt':
          return `${this.preempt}\n`;
        case 'net.inet.carp.allow':
          return `${this.allow}\n`;
        case 'kern.boottime':
          return `{ sec = ${this.bootSec}, usec = 42 } Tue Nov 14 22:13:20 2023\n`;
        default:
          return { exitCode: 1, stderr: `sysctl: unknown oid '${argv[2]}'` };
      }
    }
    const write = /^net\.inet\.carp\.demotion=(-?\d+)$/.exec(argv[1] ?? '');
    if (!write || argv.length !== 2) return { exitCode: 1, stderr: `fake sysctl: unexpected ${argv.join(' ')}` };
    const failure = this.failNextWrite;
    this.failNextWrite = null;
    const before = this.demotion;
    if (!failure || failure.apply) {
      this.demotion += Number(write[1]);
      this.writes.push(Number(write[1]));
    }
    if (failure) return { exitCode: 1, timedOut: failure.timedOut ?? false, stderr: 'sysctl: net.inet.carp.demotion: Operation not permitted' };
    return `net.inet.carp.demotion: ${before} -> ${this.demotion}\n`;
  }
}
