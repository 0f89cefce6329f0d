// Small text helpers shared by the status and history formatters: aligned tables, ages and
// one-cell renderings of arbitrary JSON (desired/actual are whatever a resource reports).
import { redactSecrets } from '../redact.js';

/** Left-aligned columns separated by two spaces; the header is upper-case. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd();
  return [line(header.map((title) => title.toUpperCase())), ...rows.map(line)];
}

/** 1.2 s, 3m12s, 2h05m: how long ago or how long, for a human. */
export function duration(ms: number): string {
  if (!Number.isFinite(ms)) return '?';
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(ms);
  if (abs < 1000) return `${sign}${Math.round(abs)} ms`;
  if (abs < 60_000) return `${sign}${(abs / 1000).toFixed(1)} s`;
  const s = Math.floor(abs / 1000);
  if (abs < 3_600_000) return `${sign}${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  if (abs < 86_400_000) return `${sign}${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  return `${sign}${Math.floor(s / 86_400)}d${String(Math.floor((s % 86_400) / 3600)).padStart(2, '0')}h`;
}

/** "2025-…Z (3m12s ago)", or "-" for null. */
export function when(iso: string | null | undefined, now: number): string {
  if (iso === null || iso === undefined) return '-';
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return iso;
  const age = now - at;
  return age >= 0 ? `${iso} (${duration(age)} ago)` : `${iso} (in ${duration(-age)})`;
}

/** One table cell for any JSON value: scalars as is, objects as compact JSON, cut to `max`. */
export function cell(value: unknown, max = 40): string {
  if (value === undefined || value === null) return '-';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  const text = typeof value === 'string' ? value : typeof value === 'number' ? String(value) : JSON.stringify(value);
  const flat = sanitize(text);
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Strips control characters so a hostile string from the service cannot drive the terminal. */
export function sanitize(text: string): string {
  return redactSecrets(text).replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
}
