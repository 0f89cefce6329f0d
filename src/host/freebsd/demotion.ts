// This service's share of net.inet.carp.demotion, by reason, applied the way FreeBSD defines
// writes to that sysctl and kept exact across restarts and kill -9.
//
// FreeBSD semantics (sys/netinet/ip_carp.c, freebsd/freebsd-src@5aad022c for 10.x, same code in
// 14.x with VNET): carp_demote_adj_sysctl() does `new = V_carp_demotion; sysctl_handle_int(...);
// if (error || !req->newptr) return; carp_demote_adj(new, "sysctl");` and carp_demote_adj() does
// `atomic_add_int(&V_carp_demotion, adj)`. So writing N ADDS N to the counter; reading returns the
// sum of everyone's adjustments (the kernel's own ifdown/senderr ones included). The counter
// itself is not clamped: DEMOTE_ADVSKEW(sc) clamps only the advertised skew, to CARP_MAXSKEW
// (240) and, since 12.x, at 0. Hence we write differences (to - from), never totals, and never
// assume the total is ours.
//
// Crash safety: intent (reason, from, to, kernel total before) is made durable, then the sysctl
// is written, then the new contribution is committed. On start, a pending intent is settled by
// comparing the kernel total with the recorded one; a new boot (kern.boottime changed) means the
// kernel counter was reset, so every recorded contribution is gone.
//
// Boot hold (rc.d/carp_failover_early runs `carp-failover boot-hold` before netif): the record of
// a new boot is marked heldEarly, its contributions are applied before CARP comes up, and the
// service, starting later, takes them over as its own start (not as a restart of itself). Run
// after the service has started in this boot, boot-hold touches nothing.
import type { Logger } from 'pino';
import { CarpFailoverError } from '../../errors.js';
import type { Host } from '../ports.js';
import { validateSysctlName, type SysctlName } from '../validate.js';
import { DEMOTION_REASONS, MAX_DEMOTION_CONTRIBUTION, type CarpSysctls, type DemotionReason } from '../../model.js';
import { DemotionStore, isContribution, noContributions, type DemotionIntent, type DemotionRecord, type SetAsideRecord } from './demotion-store.js';
import type { Demotion, DemotionSnapshot } from './ports.js';

/** Where a kill -9 can land; tests throw from the hook to simulate one. */
export type DemotionCrashPoint = 'state-temp-written' | 'intent-written' | 'sysctl-written' | 'committed';

export interface DemotionOptions {
  host: Host;
  /** Absolute path of sysctl(8) (config.commands.sysctl). */
  sysctl: string;
  stateDir: string;
  log?: Logger;
  timeoutMs?: number;
  crashHook?: (point: DemotionCrashPoint) => void;
  /** 'boot-hold': the early, one-shot use before the service runs (see above). Default 'service'. */
  mode?: 'service' | 'boot-hold';
}

/** The FreeBSD Demotion; recovery runs once, before the first read or change. */
export class FreeBsdDemotion implements Demotion {
  private readonly store: DemotionStore;
  private record: DemotionRecord | null = null;
  private ready: Promise<void> | null = null;
  private sameBoot = false;
  /** A record found untrustworthy at start and moved aside: status says so until a restart. */
  private setAside: SetAsideRecord | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: DemotionOptions) {
    this.store = new DemotionStore(options.stateDir, (point) => options.crashHook?.(point));
  }

  /** Makes our contribution for reason equal to value; a no-op when it already is. */
  set(reason: DemotionReason, value: number): Promise<void> {
    if (!DEMOTION_REASONS.includes(reason)) throw new CarpFailoverError('INTERNAL', `unknown demotion reason ${JSON.stringify(reason)}`);
    if (!isContribution(value)) {
      throw new CarpFailoverError('INTERNAL', `demotion for ${reason} must be an integer 0..${MAX_DEMOTION_CONTRIBUTION}, got ${JSON.stringify(value)}`);
    }
    return this.serialized(async () => {
      await this.recover();
      if (this.options.mode === 'boot-hold' && this.sameBoot) {
        throw new CarpFailoverError('INTERNAL', 'boot-hold must not change the demotion of a service that already ran in this boot');
      }
      const record = this.record!;
      const from = record.ours[reason];
      if (from === value) return;
      const intent: DemotionIntent = { reason, from, to: value, delta: value - from, kernelBefore: await this.readInt('net.inet.carp.demotion') };
      await this.save({ ...record, pending: intent });
      this.options.crashHook?.('intent-written');
      try {
        await this.run([this.options.sysctl, `${validateSysctlName('net.inet.carp.demotion')}=${intent.delta}`]);
      } catch (error) {
        // A failed or timed-out write may or may not have landed: settle it like a restart would.
        await this.settle(intent).catch(() => undefined);
        throw error;
      }
      this.options.crashHook?.('sysctl-written');
      await this.save({ ...this.record!, ours: { ...this.record!.ours, [reason]: value }, pending: null });
      this.options.crashHook?.('committed');
      this.options.log?.info({ reason, from, to: value, delta: intent.delta }, 'carp demotion changed');
    });
  }

  /** The kernel total (null when unreadable), ours by reason, preempt and allow. */
  async snapshot(): Promise<DemotionSnapshot> {
    await this.serialized(() => this.recover());
    const [total, preempt, allow] = await Promise.all(
      (['net.inet.carp.demotion', 'net.inet.carp.preempt', 'net.inet.carp.allow'] as const).map((name) => this.readInt(name).catch(() => null)),
    );
    return {
      total: total ?? null,
      ours: { ...this.record!.ours },
      preempt: preempt == null ? null : preempt !== 0,
      allow: allow == null ? null : allow !== 0,
      ...(this.setAside ? { recordSetAside: { ...this.setAside } } : {}),
    };
  }

  /**
   * True when the service already ran in this boot (a record of this kern.boottime that is not
   * boot-hold's alone): for the service, this start is a restart; for boot-hold, it is too late.
   */
  async restartedInSameBoot(): Promise<boolean> {
    await this.serialized(() => this.recover());
    return this.sameBoot;
  }

  /** The global CARP sysctls; throws when one cannot be read. */
  async sysctls(): Promise<CarpSysctls> {
    const demotion = await this.readInt('net.inet.carp.demotion');
    const preempt = await this.readInt('net.inet.carp.preempt');
    const allow = await this.readInt('net.inet.carp.allow');
    return { demotion, preempt: preempt !== 0, allow: allow !== 0 };
  }

  private serialized<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private recover(): Promise<void> {
    this.ready ??= this.doRecover().catch((error: unknown) => {
      this.ready = null;
      throw error;
    });
    return this.ready;
  }

  private async doRecover(): Promise<void> {
    const bootId = await this.bootId();
    const { record: loaded, setAside } = await this.store.load();
    const early = this.options.mode === 'boot-hold';
    if (setAside) {
      this.setAside = setAside;
      this.options.log?.error({ setAside }, `${setAside.reason}: kept aside as ${setAside.path}; starting as after a reboot (boot demotion held); what an earlier run added to net.inet.carp.demotion, if anything, stays until you remove it by hand`);
    }
    if (loaded === null || loaded.bootId !== bootId) {
      this.sameBoot = false;
      if (loaded !== null) this.options.log?.info({ previousBoot: loaded.bootId, bootId, ours: loaded.ours }, 'new boot: the kernel demotion counter was reset, forgetting our old contributions');
      await this.save({ version: 1, bootId, ours: noContributions(), pending: null, ...(early ? { heldEarly: true as const } : {}) });
      return;
    }
    this.record = loaded;
    this.sameBoot = loaded.heldEarly !== true;
    // boot-hold after the service started: the record is the running service's; hands off.
    if (early && this.sameBoot) return;
    if (loaded.pending) await this.settle(loaded.pending);
    if (!early && loaded.heldEarly) {
      const { heldEarly: _, ...taken } = this.record;
      await this.save(taken);
      this.options.log?.info({ ours: taken.ours }, 'taking over the demotion boot-hold applied before the network came up');
    }
  }

  // Decides whether an intent's sysctl write landed, from the kernel total, and commits that.
  private async settle(intent: DemotionIntent): Promise<void> {
    const now = await this.readInt('net.inet.carp.demotion');
    const applied = decideApplied(intent, now);
    if (applied.ambiguous) {
      this.options.log?.warn({ intent, kernelNow: now, assumedApplied: applied.value }, 'carp demotion changed by someone else while our write was in flight; assuming the outcome that can only over-demote');
    }
    const ours = { ...this.record!.ours, [intent.reason]: applied.value ? intent.to : intent.from };
    await this.save({ ...this.record!, ours, pending: null });
  }

  private async save(record: DemotionRecord): Promise<void> {
    await this.store.save(record);
    this.record = record;
  }

  private async bootId(): Promise<string> {
    const raw = (await this.run([this.options.sysctl, '-n', validateSysctlName('kern.boottime')])).trim();
    // "{ sec = 1700000000, usec = 123456 } Tue Nov 14 22:13:20 2023"
    const match = /sec = (\d+), usec = (\d+)/.exec(raw);
    if (!match) throw new CarpFailoverError('PARSE_FAILED', `kern.boottime: unexpected value ${JSON.stringify(raw.slice(0, 80))}`, { details: { value: raw.slice(0, 200) } });
    return `${match[1]}.${match[2]}`;
  }

  private async readInt(name: SysctlName): Promise<number> {
    const raw = (await this.run([this.options.sysctl, '-n', validateSysctlName(name)])).trim();
    if (!/^-?\d{1,10}$/.test(raw)) throw new CarpFailoverError('PARSE_FAILED', `${name}: expected an integer, got ${JSON.stringify(raw.slice(0, 80))}`, { details: { sysctl: name, value: raw.slice(0, 200) } });
    return Number(raw);
  }

  private async run(argv: string[]): Promise<string> {
    return (await this.options.host.run(argv, { timeoutMs: this.options.timeoutMs })).stdout;
  }
}

/**
 * Did the intent's write land? Exact when nobody else moved the counter in between; otherwise
 * the hypothesis that explains the total with the smaller unexplained change wins, and a tie
 * goes to the one that can only leave us over-demoted (fail closed: never lose MASTER safety).
 */
export function decideApplied(intent: DemotionIntent, kernelNow: number): { value: boolean; ambiguous: boolean } {
  if (kernelNow === intent.kernelBefore + intent.delta) return { value: true, ambiguous: false };
  if (kernelNow === intent.kernelBefore) return { value: false, ambiguous: false };
  const ifApplied = Math.abs(kernelNow - (intent.kernelBefore + intent.delta));
  const ifNot = Math.abs(kernelNow - intent.kernelBefore);
  if (ifApplied !== ifNot) return { value: ifApplied < ifNot, ambiguous: true };
  return { value: intent.delta < 0, ambiguous: true };
}
