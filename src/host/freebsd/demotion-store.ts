// The persisted record of this service's contributions to net.inet.carp.demotion
// (<state_dir>/demotion.json): what we added by reason, the boot it belongs to, and at most one
// write-ahead intent. Written atomically (temp file, fsync, rename, fsync of the directory), so a
// kill -9 leaves either the old record or the new one, never half of one.
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CarpFailoverError } from '../../errors.js';
import { DEMOTION_REASONS, type DemotionReason } from '../../model.js';

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

/** Test hook: the store calls it after the temp file is durable and before the rename. */
export type StoreCrashHook = (point: 'state-temp-written') => void;

/** Reads and writes demotion.json in the state directory. */
export class DemotionStore {
  readonly path: string;

  constructor(stateDir: string, private readonly crash: StoreCrashHook = () => {}) {
    this.path = join(stateDir, 'demotion.json');
  }

  /** The record, or null when there is none yet; STATE_UNREADABLE when it is not ours to read. */
  async load(): Promise<DemotionRecord | null> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new CarpFailoverError('STATE_UNREADABLE', `cannot read ${this.path}: ${(error as Error).message}`, { cause: error, details: { path: this.path } });
    }
    const record = parseRecord(text);
    if (record === null) {
      // Refusing is the only safe answer: guessing would apply or leak a contribution.
      throw new CarpFailoverError('STATE_UNREADABLE', `${this.path} is not a valid demotion record; inspect it, fix or remove it (and net.inet.carp.demotion) by hand`, {
        details: { path: this.path, head: text.slice(0, 200) },
      });
    }
    return record;
  }

  /** Replaces the record durably. */
  async save(record: DemotionRecord): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true, mode: 0o750 });
    const temp = `${this.path}.tmp`;
    const file = await open(temp, 'w', 0o600);
    try {
      await file.writeFile(`${JSON.stringify(record)}\n`, 'utf8');
      await file.sync();
    } finally {
      await file.close();
    }
    this.crash('state-temp-written');
    await rename(temp, this.path);
    const dir = await open(dirname(this.path), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }
}

/** Zero for every reason. */
export function noContributions(): Record<DemotionReason, number> {
  return Object.fromEntries(DEMOTION_REASONS.map((reason) => [reason, 0])) as Record<DemotionReason, number>;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && Math.abs(value) <= 1_000_000;
}

function parseRecord(text: string): DemotionRecord | null {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof raw !== 'object' || raw === null) return null;
  const r = raw as Record<string, unknown>;
  if (r.version !== 1 || typeof r.bootId !== 'string' || typeof r.ours !== 'object' || r.ours === null) return null;
  const ours = noContributions();
  for (const reason of DEMOTION_REASONS) {
    const value = (r.ours as Record<string, unknown>)[reason] ?? 0;
    if (!isCount(value) || value < 0) return null;
    ours[reason] = value;
  }
  if (r.heldEarly !== undefined && r.heldEarly !== true) return null;
  let pending: DemotionIntent | null = null;
  if (r.pending !== null && r.pending !== undefined) {
    const p = r.pending as Record<string, unknown>;
    if (!DEMOTION_REASONS.includes(p.reason as DemotionReason)) return null;
    if (![p.from, p.to, p.delta, p.kernelBefore].every(isCount) || (p.to as number) - (p.from as number) !== p.delta) return null;
    pending = { reason: p.reason as DemotionReason, from: p.from as number, to: p.to as number, delta: p.delta as number, kernelBefore: p.kernelBefore as number };
  }
  return { version: 1, bootId: r.bootId, ours, pending, ...(r.heldEarly === true ? { heldEarly: true as const } : {}) };
}
