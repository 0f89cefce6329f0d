// Two routers' CARP kernels on one segment, as far as the drain tests need them: each node
// advertises advskew + net.inet.carp.demotion (capped at 240, ip_carp.c carp_send_ad_locked:
// `advskew = DEMOTE_ADVSKEW(sc)`), the lowest advertisement wins, a MASTER keeps its role on a
// tie, and with net.inet.carp.preempt=1 a BACKUP that advertises strictly better takes over. A
// change of MASTER reaches each engine as devd would deliver it: a hint to re-observe.
import type { DemotionReason } from '../../src/model.js';
import { FakeCarp, FakeDemotion } from '../fakes/carp.js';
import { advertisedSkew } from '../fakes/freebsd-kernel.mjs';

/** a is the preferred router (advskew 0), b its standby. */
export type Router = 'a' | 'b';

/** One ordered trace of what both kernels saw: demotion writes and CARP reads, per router. */
export type KernelEvent = { router: Router; kind: 'observe' } | { router: Router; kind: 'demotion'; reason: DemotionReason; value: number };

/** A FakeDemotion that tells the kernel after every write, so the election follows it. */
export class KernelDemotion extends FakeDemotion {
  constructor(
    private readonly router: Router,
    private readonly kernel: CarpKernel,
  ) {
    super();
  }

  override async set(reason: DemotionReason, value: number): Promise<void> {
    this.kernel.trace.push({ router: this.router, kind: 'demotion', reason, value });
    await super.set(reason, value);
    this.kernel.elect();
  }
}

interface KernelNode {
  carp: FakeCarp;
  demotion: KernelDemotion;
  advskew: number;
  /** false: powered off or not advertising (no peer). */
  up: boolean;
  notify: (reason: string) => void;
}

/** Elects the MASTER among the routers that are up; a's advskew 0 makes it the preferred one. */
export class CarpKernel {
  readonly trace: KernelEvent[] = [];
  master: Router | null;
  /** Every change of MASTER, with the time given by `now`. */
  readonly elections: Array<{ at: number; master: Router | null }> = [];
  private readonly nodes = new Map<Router, KernelNode>();

  constructor(
    initialMaster: Router | null,
    private readonly now: () => number,
  ) {
    this.master = initialMaster;
  }

  /** A router's CARP and demotion; its CARP answers from the election. */
  attach(router: Router, options: { advskew: number; up?: boolean }): { carp: FakeCarp; demotion: KernelDemotion } {
    const carp = new FakeCarp();
    carp.onObserve = () => this.trace.push({ router, kind: 'observe' });
    const demotion = new KernelDemotion(router, this);
    this.nodes.set(router, { carp, demotion, advskew: options.advskew, up: options.up ?? true, notify: () => undefined });
    this.apply();
    return { carp, demotion };
  }

  /** Where devd's notification of a change goes (the engine's requestReconcile). */
  onChange(router: Router, notify: (reason: string) => void): void {
    this.node(router).notify = notify;
  }

  /** A router stops or starts advertising (power, cable, no peer configured). */
  setUp(router: Router, up: boolean): void {
    this.node(router).up = up;
    this.elect();
  }

  /** A router's own demotion by something else (a carp interface's link down adds 240). */
  setBase(router: Router, base: number): void {
    this.node(router).demotion.base = base;
    this.elect();
  }

  /** What the router advertises: DEMOTE_ADVSKEW(sc), from the tests' one kernel model. */
  advertised(router: Router): number {
    const node = this.node(router);
    return advertisedSkew(node.advskew, node.demotion.total);
  }

  /** Runs the election; on a change, both kernels switch state and devd notifies both engines. */
  elect(): void {
    const up = [...this.nodes.keys()].filter((r) => this.node(r).up).sort((x, y) => this.advertised(x) - this.advertised(y) || x.localeCompare(y));
    let next: Router | null = up[0] ?? null;
    // A MASTER that is still up keeps its role unless someone advertises strictly better.
    if (this.master !== null && up.includes(this.master) && next !== null && this.advertised(next) >= this.advertised(this.master)) next = this.master;
    this.apply(); // a router that came up or went down changes state even when MASTER does not
    if (next === this.master) return;
    this.master = next;
    this.elections.push({ at: this.now(), master: next });
    this.apply();
    for (const [router, node] of this.nodes) node.notify(`devd CARP ${router === next ? 'MASTER' : 'BACKUP'}`);
  }

  private apply(): void {
    for (const [router, node] of this.nodes) node.carp.setAll(node.up && router === this.master ? 'MASTER' : node.up ? 'BACKUP' : 'INIT');
  }

  private node(router: Router): KernelNode {
    const node = this.nodes.get(router);
    if (!node) throw new Error(`kernel: no router ${router}`);
    return node;
  }
}
