// What one probe of a path check answers. A probe never decides the check's state: it reports
// one result, and hysteresis.ts turns a run of results into a verdict.
import { summarizeError } from '../errors.js';

/** One probe's outcome. detail is short and safe to show (no secret ever reaches a probe). */
export interface ProbeResult {
  ok: boolean;
  detail: string;
  /** The probe could not run at all (bad source address, ping or vtysh missing…), as opposed to a path that answered "down". */
  broken?: true;
}

/** Runs one probe; rejects only on abort or a bug (the scheduler turns either into a failure). */
export type Probe = (signal: AbortSignal) => Promise<ProbeResult>;

/** A failed probe's result from whatever it threw, cut to one readable line. */
export function failedResult(error: unknown): ProbeResult {
  const summary = summarizeError(error);
  return { ok: false, broken: true, detail: `${summary.code}: ${summary.message}`.replace(/\s+/g, ' ').slice(0, 200) };
}
