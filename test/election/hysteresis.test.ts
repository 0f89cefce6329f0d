// Rise/fall hysteresis, pure: the sequences that must and must not move a check's verdict.
import { describe, expect, it } from 'vitest';
import { INITIAL, step, type CheckState, type Hysteresis } from '../../src/election/hysteresis.js';

/** Feeds results (1 ok, 0 failed) and returns the state after each. */
function run(results: string, fall: number, rise: number, from: Hysteresis = INITIAL): CheckState[] {
  let h = from;
  return [...results].map((r) => {
    h = step(h, r === '1', fall, rise);
    return h.state;
  });
}

describe('path check hysteresis', () => {
  it('a first success makes a pending check up at once; failures need `fall` in a row, even from pending', () => {
    expect(run('1', 3, 3)).toEqual(['up']);
    expect(run('001', 3, 3)).toEqual(['pending', 'pending', 'up']);
    expect(run('000', 3, 3)).toEqual(['pending', 'pending', 'down']);
  });

  it('goes down after exactly `fall` consecutive failures and up after exactly `rise` consecutive successes', () => {
    expect(run('1000', 3, 2)).toEqual(['up', 'up', 'up', 'down']);
    expect(run('1000' + '11', 3, 2)).toEqual(['up', 'up', 'up', 'down', 'down', 'up']);
  });

  it('a path flapping faster than fall/rise changes nothing, in either state', () => {
    const flapping = '1101101001101001'.repeat(4); // never 3 failures in a row
    expect(new Set(run('1' + flapping, 3, 3))).toEqual(new Set(['up']));
    const down = { state: 'down', streak: -3 } as const;
    const recovering = '0110110100110'.repeat(4); // never 3 successes in a row
    expect(new Set(run(recovering, 3, 3, down))).toEqual(new Set(['down']));
  });

  it('counts the streak: successes positive, failures negative, reset by the other result', () => {
    let h = INITIAL;
    const streaks = [...'11001'].map((r) => (h = step(h, r === '1', 3, 3)).streak);
    expect(streaks).toEqual([1, 2, -1, -2, 1]);
  });

  it('reports `changed` only on the result that moved the verdict', () => {
    let h: Hysteresis = INITIAL;
    const changed = [...'1100011'].map((r) => {
      const next = step(h, r === '1', 3, 2);
      h = next;
      return next.changed;
    });
    expect(changed).toEqual([true, false, false, false, true, false, true]);
  });
});
