// Every secret value this process holds (OVH application secret, consumer key, OAuth2 client
// secret, the access tokens it obtained), and the one function that removes them from text. A
// secret can come back from anywhere (a token endpoint echoing the request body in its 400, an
// API error quoting a header), so the sinks — logs, journal, status and history replies, metrics,
// CLI output — and every error pass their text through redactSecrets(), whatever its source.

/** What a secret is replaced with. */
export const REDACTED = '[redacted]';

/**
 * Shorter values are not registered: replacing a 3-letter string everywhere would mangle every
 * log line. The credentials loader refuses secrets this short (OVH's are 32 characters).
 */
export const MIN_SECRET_LENGTH = 8;

/** Value → how many holders registered it (a token may be shared until it is replaced). */
const known = new Map<string, number>();
let pattern: RegExp | null = null;

/** Registers a secret value: from now on redactSecrets() removes it and its encodings. */
export function rememberSecret(value: string): void {
  if (value.length < MIN_SECRET_LENGTH) return;
  known.set(value, (known.get(value) ?? 0) + 1);
  pattern = null;
}

/** Unregisters one holder of a value (a replaced access token); the last one removes it. */
export function forgetSecret(value: string): void {
  const count = known.get(value);
  if (count === undefined) return;
  if (count > 1) known.set(value, count - 1);
  else known.delete(value);
  pattern = null;
}

/**
 * OVH request signatures ("$1$" + SHA-1 hex, X-Ovh-Signature): not a stored secret, but each one
 * authenticates a request for a while, so an echoed one is removed too.
 */
const SIGNATURE = /\$1\$[0-9a-f]{40}/gi;

/** The text with every known secret, raw or encoded as it may travel, replaced by [redacted]. */
export function redactSecrets(text: string): string {
  if (text.length === 0) return text;
  const unsigned = text.includes('$1$') ? text.replace(SIGNATURE, REDACTED) : text;
  if (known.size === 0) return unsigned;
  pattern ??= buildPattern();
  return unsigned.replace(pattern, REDACTED);
}

/** redactSecrets() over every string inside a JSON-like value (errors' details); a copy. */
export function redactDeep<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return redactSecrets(value) as T;
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v: unknown) => redactDeep(v, depth + 1)) as T;
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v, depth + 1)])) as T;
}

/**
 * The forms a value takes on its way back to us: as is, percent-encoded (URLs), form-encoded (the
 * OAuth2 token request body: spaces become '+'), and each of those JSON-escaped once or twice (a
 * JSON error body quoted inside a log line, itself inside a journal line).
 */
function variants(value: string): string[] {
  const out = new Set<string>();
  const json = (s: string) => JSON.stringify(s).slice(1, -1);
  for (const base of [value, encodeURIComponent(value), new URLSearchParams({ v: value }).toString().slice(2)]) {
    out.add(base);
    out.add(json(base));
    out.add(json(json(base)));
  }
  return [...out];
}

function buildPattern(): RegExp {
  const all = [...known.keys()].flatMap(variants);
  // Longest first, so that an encoded form is not half-replaced through a shorter one.
  all.sort((a, b) => b.length - a.length);
  // Case-insensitive: an echo may re-encode with lower-case hex (%2f); a random secret cannot
  // collide with other text by case alone.
  return new RegExp(all.map(escapeRegExp).join('|'), 'gi');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
