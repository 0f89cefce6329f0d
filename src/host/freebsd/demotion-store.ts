// The persisted record of this service's contributions to net.inet.carp.demotion
// (<state_dir>/demotion.json): what we added by reason, the boot it belongs to, and at most one
// write-ahead intent. Written through host/durable-file.ts (never through a link; a kill -9
// leaves the old record or the new one, never half). A record that is not one this service could
// have written (garbage, empty, cut short, a link, a stranger's file, a value out of bounds) is
// set aside for the operator and treated as absent: the caller then starts as after a reboot,
// holding the boot demotion, which can only over-demote (fail safe), never apply a delta the
// service could not have applied.
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CarpFailoverError } from '../../errors.js';
import { moveAside, readNoFollow, writeDurably } from '../durable-file.js';
import { defaultTrustedUids, untrustedOwner } from '../trusted-directory.js';
import { DEMOTION_REASONS, MAX_DEMOTION_CONTRIBUTION, type DemotionReason } from '../../model.js';

/** A change announced before the sysctl write and settled after it (or on the next start). */
export interface DemotionIntent {
  reason: DemotionReason;
  from: number;
  to: number;
  /** to - from: what the sysctl write adds to the kernel counter. */
  delta: number;
  /** The kernel total read just before the intent was written. */
  kernelBefore: number;
}

export interface DemotionRecord {
  version: 1;
  /** kern.boottime of the boot these contributions were applied in. */
  bootId: string;
  ours: Record<DemotionReason, number>;
  pending: DemotionIntent | null;
  /**
   * True while the record is only `carp-failover boot-hold`'s (rc.d/carp_failover_early, before
   * the network came up): the service has not run in this boot yet. Absent otherwise.
   */
  heldEarly?: true;
}

/** A record that could not be trusted, moved aside: where it is now and why. */
export interface SetAsideRecord {
  path: string;
  reason: string;
  at: string;
}

/** What load() found. */
export interface LoadedRecord {
  record: DemotionRecord | null;
  setAside: SetAsideRecord | null;
}

/** Test hook: the store calls it after the temp file is durable and before the rename. */
export type StoreCrashHook = (point: 'state-temp-written') => void;

/** The kernel counter is a C int: anything beyond is not a value we read from it. */
const INT_MAX = 2 ** 31 - 1;
const MAX_RECORD_BYTES = 4096;

/** Reads and writes demotion.json in the state directory. */
export class DemotionStore {
  readonly path: string;

  constructor(
    stateDir: string,
    private readonly crash: StoreCrashHook = () => {},
    private readonly trustedUids: readonly number[] = defaultTrustedUids(),
  ) {
    this.path = join(stateDir, 'demotion.json');
  }

  /** The record (null when there is none, or when an untrustworthy one was just set aside). */
  async load(): Promise<LoadedRecord> {
    let problem: string;
    try {
      const read = await readNoFollow(this.path, MAX_RECORD_BYTES + 1);
      if (read === null) return { record: null, setAside: null };
      const owner = untrustedOwner(read.uid, this.trustedUids);
      const record = owner === null && read.text.length <= MAX_RECORD_BYTES ? parseRecord(read.text) : null;
      if (record !== null) return { record, setAside: null };
      problem = owner ?? (read.text.trim() === '' ? 'is empty' : 'is not a demotion record this service could have written (garbage, cut short or out of bounds)');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ELOOP' && code !== 'EFTYPE') {
        throw new CarpFailoverError('STATE_UNREADABLE', `cannot read ${this.path}: ${(error as Error).message}`, { cause: error, details: { path: this.path } });
      }
      problem = code === 'ELOOP' ? 'is a symbolic link' : 'is not a regular file';
    }
    return { record: null, setAside: await this.setAside(problem) };
  }

  /** Replaces the record durably. */
  async save(record: DemotionRecord): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true, mode: 0o750 });
    await writeDurably(this.path, `${JSON.stringify(record)}\n`, { mode: 0o600, crash: () => this.crash('state-temp-written') });
  }

  private async setAside(reason: string): Promise<SetAsideRecord> {
    const at = new Date().toISOString();
    const path = await moveAside(this.path, `bad-${at.replace(/[:.]/g, '-')}`);
    return { path, reason: `${this.path} ${reason}`, at };
  }
}

/** Zero for every reason. */
export function noContributions(): Record<DemotionReason, number> {
  return Object.fromEntries(DEMOTION_REASONS.map((reason) => [reason, 0])) as Record<DemotionReason, number>;
}

/** A contribution this service can have made: an integer 0..MAX_DEMOTION_CONTRIBUTION. */
export function isContribution(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_DEMOTION_CONTRIBUTION;
}

function isKernelTotal(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && Math.abs(value) <= INT_MAX;
}

function parseRecord(text: string): DemotionRecord | null {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  const r = raw as Record<string, unknown>;
  if (r.version !== 1 || typeof r.bootId !== 'string' || !/^\d{1,20}\.\d{1,6}$/.test(r.bootId)) return null;
  if (typeof r.ours !== 'object' || r.ours === null) return null;
  const ours = noContributions();
  for (const reason of DEMOTION_REASONS) {
    const value = (r.ours as Record<string, unknown>)[reason] ?? 0;
    if (!isContribution(value)) return null;
    ours[reason] = value;
  }
  if (r.heldEarly !== undefined && r.heldEarly !== true) return null;
  let pending: DemotionIntent | null = null;
  if (r.pending !== null && r.pending !== undefined) {
    const p = r.pending as Record<string, unknown>;
    if (!DEMOTION_REASONS.includes(p.reason as DemotionReason)) return null;
    if (!isContribution(p.from) || !isContribution(p.to) || p.to - p.from !== p.delta || !isKernelTotal(p.kernelBefore)) return null;
    // The intent must start from what the record says we hold: anything else is not ours.
    if (ours[p.reason as DemotionReason] !== p.from) return null;
    pending = { reason: p.reason as DemotionReason, from: p.from, to: p.to, delta: p.delta, kernelBefore: p.kernelBefore };
  }
  return { version: 1, bootId: r.bootId, ours, pending, ...(r.heldEarly === true ? { heldEarly: true as const } : {}) };
}
