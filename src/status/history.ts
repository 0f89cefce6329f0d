// Rebuilds failover timelines from the journal (current file and its rotated copies). The journal
// may end in a torn line (crash mid-write) or hold garbage (disk trouble, a hand edit): such
// lines are skipped, never fatal, so `history` always answers with what can be read.
import { readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { NodeRole, VhidState } from '../model.js';
import { forEachLine } from './journal-lines.js';
import { isoTime, type JournalEntry, type Timeline, type TimelineStep } from './model.js';

/** Timelines answered when the caller gives no usable limit. */
export const DEFAULT_HISTORY_LIMIT = 10;
/** Upper bound on the limit and on steps per timeline: one history reply stays one sane line. */
export const MAX_HISTORY_LIMIT = 1000;
export const MAX_STEPS_PER_TIMELINE = 500;

const ROLES: ReadonlySet<string> = new Set(['MASTER', 'BACKUP', 'MIXED', 'INIT']);
const OUTCOMES: ReadonlySet<string> = new Set(['ok', 'error', 'skipped']);

/** Reads the journal at `path` (plus path.1 … path.N) and answers the last `limit` timelines. */
export async function readTimelines(path: string, limit: number): Promise<Timeline[]> {
  const builder = new TimelineBuilder(limit);
  for (const file of await journalFiles(path)) {
    try {
      await forEachLine(file, (line) => {
        const entry = parseLine(line);
        if (entry) builder.add(entry);
      });
    } catch (error) {
      // Rotated away between listing and reading: what remains is still a valid history.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return builder.result();
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
    this.limit = Number.isFinite(limit) && limit >= 1 ? Math.min(Math.floor(limit), MAX_HISTORY_LIMIT) : DEFAULT_HISTORY_LIMIT;
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
      const lastOk = current.steps.filter((s) => s.outcome === 'ok').at(-1);
      current.convergedAfterMs = lastOk ? lastOk.offsetMs : 0;
      current.converged = true;
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
