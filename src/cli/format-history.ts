// `carp-failover history`: each failover as a timeline, every step at its offset from the CARP
// transition that started it, so "how long did the OVH claim take" is read straight off.
import type { Timeline } from '../status/model.js';
import { cell, duration, sanitize, table } from './format-text.js';

/** Timelines, oldest first, as lines of text. */
export function formatHistory(timelines: readonly Timeline[]): string {
  if (timelines.length === 0) return 'no role transition recorded yet\n';
  const blocks = timelines.map((timeline) => {
    const vhids = timeline.vhids.map((v) => `${v.vhid}@${v.interface} ${v.state}`).join(', ');
    const converged = timeline.convergedAfterMs === null ? 'not converged' : `converged after ${duration(timeline.convergedAfterMs)}`;
    const head = sanitize(`${timeline.at}  ${timeline.from} → ${timeline.to}  (${vhids || 'no vhids'})  ${converged}`);
    if (timeline.steps.length === 0) return [head, '  (no steps)'];
    const rows = timeline.steps.map((step) => [
      `+${Math.round(step.offsetMs)} ms`,
      step.resource,
      cell(step.step, 48),
      step.outcome === 'ok' ? 'ok' : step.outcome === 'error' ? 'ERROR' : 'skipped',
      duration(step.durationMs),
      step.error === undefined ? '' : cell(`${step.error.code}: ${step.error.message}`, 60),
    ]);
    return [head, ...table(['offset', 'resource', 'step', 'outcome', 'took', 'error'], rows).map((line) => `  ${sanitize(line)}`)];
  });
  return `${blocks.map((block) => block.join('\n')).join('\n\n')}\n`;
}
