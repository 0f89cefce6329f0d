// Output formatting, kept apart from the commands like ospfctl's output.c: human text for a
// terminal, or the reply's result as JSON for scripts (--json).
export { formatStatus, type StatusFormatOptions } from './format-status.js';
export { formatHistory } from './format-history.js';

/** --json: the result exactly as the service sent it, pretty-printed, one trailing newline. */
export function formatJson(result: unknown): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}
