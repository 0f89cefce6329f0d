// A scriptable CARP kernel for engine tests: the test sets what each vhid is, observe() answers
// that (or fails), and a Demotion fake records every set() and keeps the total as FreeBSD would
// see our contributions (other daemons' part is `base`). Reusable by every engineer.
import type { CarpState, CarpSysctls, DemotionReason, VhidState } from '../../src/model.js';
import type { CarpObserver, Demotion, DemotionSnapshot, FollowedVhid } from '../../src/host/freebsd/ports.js';
import { addDemotion } from './freebsd-kernel.mjs';

/** CARP as the test scripts it. */
export class FakeCarp implements CarpObserver {
  /** State per vhid; vhids not set answer `fallback`. */
  private readonly states = new Map<number, CarpState>();
  private fallback: CarpState = 'BACKUP';
  private failures: Error[] = [];
  private failAlways: Error | null = null;
  observeCalls = 0;
  /** Called before each answer: lets a test change the world mid-run. */
  onObserve: ((call: number) => void) | null = null;

  /** Every followed vhid takes this state. */
  setAll(state: CarpState): this {
    this.states.clear();
    this.fallback = state;
    return this;
  }

  /** One vhid takes this state. */
  set(vhid: number, state: CarpState): this {
    this.states.set(vhid, state);
    return this;
  }

  /** The next `times` observations fail with `error`. */
  failNext(error: Error, times = 1): this {
    for (let i = 0; i < times; i++) this.failures.push(error);
    return this;
  }

  /** Every observation fails until cleared with null. */
  failAlwaysWith(error: Error | null): this {
    this.failAlways = error;
    return this;
  }

  /** What the kernel says right now (for assertions made at the moment of a write). */
  isMaster(followed: readonly FollowedVhid[]): boolean {
    return followed.every((f) => this.stateOf(f.vhid) === 'MASTER');
  }

  async observe(followed: readonly FollowedVhid[], signal?: AbortSignal): Promise<VhidState[]> {
    this.observeCalls++;
    this.onObserve?.(this.observeCalls);
    if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('aborted');
    const failure = this.failAlways ?? this.failures.shift();
    if (failure) throw failure;
    return followed.map((f) => ({ vhid: f.vhid, interface: f.interface, state: this.stateOf(f.vhid), advbase: 1, advskew: 100 }));
  }

  private stateOf(vhid: number): CarpState {
    return this.states.get(vhid) ?? this.fallback;
  }
}

/** Records our demotion contributions; `total` = base + the sum of ours. */
export class FakeDemotion implements Demotion {
  readonly calls: Array<{ reason: DemotionReason; value: number }> = [];
  readonly ours: Record<DemotionReason, number> = { boot: 0, maintenance: 0, readiness: 0, path: 0, failback: 0 };
  base = 0;
  preempt = true;
  allow = true;
  /** What restartedInSameBoot() answers; undefined: the method behaves as if absent (a boot). */
  sameBoot: boolean | undefined = undefined;
  private failures = 0;

  async restartedInSameBoot(): Promise<boolean> {
    return this.sameBoot ?? false;
  }

  /** The next `times` set() calls fail (a sysctl that refuses). */
  failNext(times = 1): this {
    this.failures += times;
    return this;
  }

  /** The kernel counter: everyone else's part plus ours, added as the kernel adds writes. */
  get total(): number {
    return Object.values(this.ours).reduce(addDemotion, this.base);
  }

  /** The values set for one reason, in order. */
  history(reason: DemotionReason): number[] {
    return this.calls.filter((c) => c.reason === reason).map((c) => c.value);
  }

  async set(reason: DemotionReason, value: number): Promise<void> {
    this.calls.push({ reason, value });
    if (this.failures > 0) {
      this.failures--;
      throw new Error(`fake sysctl refused net.inet.carp.demotion for ${reason}`);
    }
    this.ours[reason] = value;
  }

  async snapshot(): Promise<DemotionSnapshot> {
    return { total: this.total, ours: { ...this.ours }, preempt: this.preempt, allow: this.allow };
  }

  async sysctls(): Promise<CarpSysctls> {
    return { demotion: this.total, preempt: this.preempt, allow: this.allow };
  }
}
