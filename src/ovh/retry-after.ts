// How long a 429 pauses the client. Retry-After is delta-seconds or an HTTP-date (RFC 9110
// §10.2.3); whatever it says, the pause stays within [1 s, 15 min]: a hostile or broken answer
// must neither stop the failover for a year nor produce a date that cannot be printed.

/** The shortest and longest pause a 429 may impose. */
export const RETRY_AFTER_BOUNDS_MS = { min: 1000, max: 15 * 60_000 } as const;

/** What the 429 said, as received: header values, unparsed. */
export interface RetryAfterInput {
  retryAfter: string | null;
  /** The response's Date header: an HTTP-date counts from the server's clock when present. */
  date: string | null;
}

/** The pause in ms, clamped; `fallbackMs` (clamped too) when the header is absent or unreadable. */
export function retryAfterPauseMs(input: RetryAfterInput, nowMs: number, fallbackMs: number): number {
  const wanted = rawPauseMs(input, nowMs);
  return clamp(wanted ?? fallbackMs);
}

function rawPauseMs(input: RetryAfterInput, nowMs: number): number | null {
  const value = input.retryAfter?.trim() ?? '';
  if (value === '') return null;
  // delta-seconds = 1*DIGIT; anything else that looks numeric (1.5, -5, 1e3) is not valid.
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = parseHttpDate(value);
  if (at === null) return null;
  const serverNow = input.date === null ? null : parseHttpDate(input.date);
  return at - (serverNow ?? nowMs);
}

/** An HTTP-date (IMF-fixdate, or the obsolete forms Date.parse reads), null when not one. */
function parseHttpDate(text: string): number | null {
  // Require a weekday-and-GMT shape or the asctime shape, so that "soon" or "12" never parse.
  if (!/^[A-Za-z]{3},? .*\d{2}:\d{2}:\d{2}/.test(text)) return null;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : null;
}

function clamp(ms: number): number {
  if (!Number.isFinite(ms)) return ms > 0 ? RETRY_AFTER_BOUNDS_MS.max : RETRY_AFTER_BOUNDS_MS.min;
  return Math.min(RETRY_AFTER_BOUNDS_MS.max, Math.max(RETRY_AFTER_BOUNDS_MS.min, Math.round(ms)));
}
