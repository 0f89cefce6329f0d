// Rebuilds failover timelines from the journal (current file and its rotated copies). The journal
// may end in a torn line (crash mid-write) or hold garbage (disk trouble, a hand edit): such
// lines are skipped, never fatal, so `history` always answers with what can be read. Only the
// newest HISTORY_TAIL_BYTES are read, whatever the journal's size: `history` costs the same with
// a 57 MB journal as with a small one, and many clients asking at once cannot slow failover.
import { lstat, readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { NodeRole, VhidState } from '../model.js';
import { forEachLine } from './journal-lines.js';
import { isoTime, type JournalEntry, type Timeline, type TimelineStep } from './model.js';

/** history's limits, for the socket, the CLI and the reader alike: timelines by default and at most. */
export const HISTORY_LIMITS = { default: 20, max: 1000 } as const;
/** Upper bound on steps per timeline: one history reply stays one sane line. */
export const MAX_STEPS_PER_TIMELINE = 500;
/** How much of the journal's end history reads, at most (current file first, then rotated ones). */
export const HISTORY_TAIL_BYTES = 512 * 1024;

const ROLES: ReadonlySet<string> = new Set(['MASTER', 'BACKUP', 'MIXED', 'INIT']);
const OUTCOMES: ReadonlySet<string> = new Set(['ok', 'error', 'skipped']);

/** A caller's limit made usable: the default when it is not a number ≥ 1, never above the max. */
export function historyLimit(limit: number): number {
  return Number.isFinite(limit) && limit >= 1 ? Math.min(Math.floor(limit), HISTORY_LIMITS.max) : HISTORY_LIMITS.default;
}

/**
 * Reads the newest `budgetBytes` of the journal at `path` (plus path.1 … path.N) and answers the
 * last `limit` timelines found there.
 */
export async function readTimelines(path: string, limit: number, budgetBytes = HISTORY_TAIL_BYTES): Promise<Timeline[]> {
  const windows: { file: string; start: number }[] = [];
  let left = budgetBytes;
  for (const file of (await journalFiles(path)).reverse()) {
    if (left <= 0) break;
    const size = await sizeOf(file);
    windows.unshift({ file, start: Math.max(0, size - left) });
    left -= size;
  }
  const builder = new TimelineBuilder(limit);
  for (const { file, start } of windows) {
    try {
      await forEachLine(file, (line) => {
        const entry = parseLine(line);
        if (entry) builder.add(entry);
      }, undefined, start);
    } catch (error) {
      // Rotated away between listing and reading: what remains is still a valid history.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return builder.result();
}

async function sizeOf(file: string): Promise<number> {
  try {
    return (await lstat(file)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
}

/** The journal's files, oldest first: path.N … path.1, path. */
export async function journalFiles(path: string): Promise<string[]> {
  const name = basename(path);
  let names: string[];
  try {
    names = await readdir(dirname(path));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const rotated = names
    .map((n) => ({ n, m: n.startsWith(`${name}.`) ? /^(\d{1,3})$/.exec(n.slice(name.length + 1)) : null }))
    .filter((x): x is { n: string; m: RegExpExecArray } => x.m !== null)
    .sort((a, b) => Number(b.m[1]) - Number(a.m[1]))
    .map((x) => join(dirname(path), x.n));
  return [...rotated, ...(names.includes(name) ? [path] : [])];
}

/** Parses journal text; lines that are not a well-formed entry are skipped. */
export function parseJournal(text: string): JournalEntry[] {
  const entries: JournalEntry[] = [];
  for (const line of text.split('\n')) {
    const entry = parseLine(line);
    if (entry) entries.push(entry);
  }
  return entries;
}

/** One journal line, or null for a torn line, garbage or a wrong shape. */
export function parseLine(line: string): JournalEntry | null {
  if (!line.trim()) return null;
  try {
    return asEntry(JSON.parse(line));
  } catch {
    return null;
  }
}

/** Groups entries into timelines: each transition with the steps after it, newest last. */
export function buildTimelines(entries: readonly JournalEntry[], limit: number): Timeline[] {
  const builder = new TimelineBuilder(limit);
  for (const entry of entries) builder.add(entry);
  return builder.result();
}

type OpenTimeline = Timeline & { startMs: number; converged: boolean };

/** Folds entries in journal order, keeping only the `limit` newest timelines in memory. */
export class TimelineBuilder {
  private readonly limit: number;
  private readonly timelines: OpenTimeline[] = [];

  constructor(limit: number) {
    this.limit = historyLimit(limit);
  }

  add(entry: JournalEntry): void {
    const ms = Date.parse(entry.t);
    if (entry.type === 'transition') {
      this.timelines.push({ at: isoTime(ms), from: entry.from, to: entry.to, vhids: entry.vhids, steps: [], convergedAfterMs: null, startMs: ms, converged: false });
      if (this.timelines.length > this.limit) this.timelines.shift();
      return;
    }
    const current = this.timelines.at(-1);
    if (!current) return; // the transition that explains these entries was rotated away
    if (entry.type === 'converged') {
      if (current.converged) return;
      const lastOk = current.steps.filter((s) => s.outcome === 'ok' && s.election !== true).at(-1);
      current.convergedAfterMs = lastOk ? lastOk.offsetMs : 0;
      current.converged = true;
    } else if (entry.type === 'election') {
      if (current.steps.length < MAX_STEPS_PER_TIMELINE) {
        current.steps.push({ offsetMs: ms - current.startMs, at: isoTime(ms), resource: entry.subject, step: entry.event, outcome: 'ok', durationMs: 0, election: true });
      }
    } else if (current.steps.length < MAX_STEPS_PER_TIMELINE) {
      const step: TimelineStep = { offsetMs: ms - current.startMs, at: isoTime(ms), resource: entry.resource, step: entry.step, outcome: entry.outcome, durationMs: entry.durationMs };
      if (entry.error) step.error = { code: entry.error.code, message: entry.error.message };
      current.steps.push(step);
    }
  }

  /** The timelines so far, newest last. */
  result(): Timeline[] {
    return this.timelines.map(({ startMs: _s, converged: _c, ...timeline }) => timeline);
  }
}

function asEntry(value: unknown): JournalEntry | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const v = value as Record<string, unknown>;
  if (typeof v.t !== 'string' || !Number.isFinite(Date.parse(v.t))) return null;
  if (v.type === 'transition') {
    if (!isRole(v.from) || !isRole(v.to) || !Array.isArray(v.vhids)) return null;
    const vhids = v.vhids.filter(isVhid);
    return { t: v.t, type: 'transition', from: v.from, to: v.to, vhids };
  }
  if (v.type === 'step') {
    if (typeof v.resource !== 'string' || typeof v.step !== 'string' || typeof v.reconcileId !== 'string') return null;
    if (typeof v.outcome !== 'string' || !OUTCOMES.has(v.outcome)) return null;
    if (typeof v.durationMs !== 'number' || !Number.isFinite(v.durationMs)) return null;
    const entry: JournalEntry = { t: v.t, type: 'step', reconcileId: v.reconcileId, resource: v.resource, step: v.step, outcome: v.outcome as TimelineStep['outcome'], durationMs: v.durationMs };
    const error = v.error as Record<string, unknown> | undefined;
    if (error && typeof error === 'object' && typeof error.code === 'string' && typeof error.message === 'string') {
      entry.error = { code: error.code, message: error.message };
    }
    return entry;
  }
  if (v.type === 'election') {
    if (typeof v.subject !== 'string' || typeof v.event !== 'string') return null;
    return { t: v.t, type: 'election', subject: v.subject, event: v.event };
  }
  if (v.type === 'converged') {
    if (typeof v.reconcileId !== 'string' || typeof v.afterMs !== 'number') return null;
    return { t: v.t, type: 'converged', reconcileId: v.reconcileId, afterMs: v.afterMs };
  }
  return null;
}

function isRole(value: unknown): value is NodeRole {
  return typeof value === 'string' && ROLES.has(value);
}

function isVhid(value: unknown): value is VhidState {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.vhid === 'number' && typeof v.interface === 'string' && typeof v.state === 'string';
}
