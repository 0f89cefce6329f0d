// The lab bench's pure parts: medians, the table rows (baseline, ratio, the acceptance check) and
// the per-event script compiled against dist/ (so its processes start as the service does).
import { describe, expect, it } from 'vitest';
import { median, type Sample } from '../../bench/lab-measure.js';
import { compilePerEventScript } from '../../bench/lab-per-event.js';
import { labRows, type ModeResult } from '../../bench/lab-rows.js';

function sample(firstReply: number, carpSwitch: number | null = 3400, sinceAdvertisement = 500): Sample {
  return { sinceAdvertisement, carpSwitch, tunnelUp: carpSwitch === null ? null : carpSwitch + 200, ospfCost: null, ovhClaim: 3700, taskDone: 3710, firstReply, longestGap: firstReply - 300, ovhCalls: 7 };
}

describe('median', () => {
  it('takes the middle value, the mean of the middle two, and skips missing steps', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([null, 7, null])).toBe(7);
    expect(median([null])).toBeNull();
  });
});

describe('labRows', () => {
  const modes: ModeResult[] = [
    { architecture: 'service', taskMs: 0, samples: [sample(3900, 3400, 100), sample(4000, 3400, 900), sample(4100, 3400, 300)] },
    { architecture: 'per-event script', taskMs: 0, samples: [sample(4400), sample(4500), sample(4600)] },
  ];
  const rows = labRows(modes, { advskew: 100, advbaseS: 1, ucarpBuffered: null }, 3);
  const row = (text: string) => rows.find((r) => r.metric.includes(text));

  it('gives the service outage with the per-event script as its baseline and the ratio', () => {
    const outage = rows.find((r) => r.metric.startsWith('outage') && r.metric.includes('service,'));
    expect(outage).toMatchObject({ value: 4000, baseline: 4500, unit: 'ms' });
    expect(outage!.ratio).toBeCloseTo(4500 / 4000);
  });

  it('checks the acceptance item against 3 × advbase + advskew/256', () => {
    expect(row("CARP's own detection")!.value).toBeCloseTo(3000 + 100_000 / 256);
    // Counted from a's last advertisement: 3900+100, 4000+900, 4100+300 → median 4400.
    expect(row('acceptance')!.metric).toMatch(/last advertisement.*≤ 1000/);
    expect(row('acceptance')!.value).toBeCloseTo(4400 - (3000 + 100_000 / 256));
    expect(row('random point of the interval')!.value).toBeCloseTo(4000 - (3000 + 100_000 / 256));
    expect(row("the same run's measured CARP switch")!.value).toBe(4000 - 3400);
  });

  it("measures CARP's detection on the wire and says how ucarp heard the advertisements", () => {
    // Switch 3400 after the loss, losses 100/900/300 and 500 ×3 after the advertisement → 3900.
    expect(row('CARP detection measured')).toMatchObject({ value: 3900, unit: 'ms' });
    expect(row('CARP detection measured')!.metric).toContain('immediate mode');
    const buffered = labRows(modes, { advskew: 100, advbaseS: 1, ucarpBuffered: 'no cc' }, 3);
    expect(buffered.find((r) => r.metric.includes('CARP detection measured'))!.metric).toContain('BUFFERED up to 1 s: no cc');
    expect(row("MASTER loss, ms after a's last advertisement (service")!.value).toBe(300);
    // The fair comparison: 4400 for the service, 4500 + 500 for the script.
    expect(row("outage counted from a's last advertisement (service")).toMatchObject({ value: 4400, baseline: 5000 });
  });

  it('gives what follows the CARP switch run by run, with the per-event script as baseline', () => {
    const share = rows.find((r) => r.metric.includes('first ping reply − CARP switch') && r.metric.includes('service,'));
    expect(share).toMatchObject({ value: 600, baseline: 1100 });
  });

  it('leaves out a step no run saw instead of reporting zero', () => {
    expect(rows.some((r) => r.metric.includes('OSPF cost lowered'))).toBe(false);
    expect(rows.filter((r) => r.metric.includes('tunnel up on b'))).toHaveLength(2);
  });
});

describe('compilePerEventScript', () => {
  it('imports the built modules (dist/), none of src/, and keeps the handler', () => {
    const js = compilePerEventScript();
    expect(js).not.toMatch(/from '\.\.\//);
    expect(js).toMatch(/from 'file:\/\/[^']*\/dist\/ovh\/client\.js'/);
    expect(js).toContain("'event done'");
    expect(js).not.toContain('interface PerEventConfig');
  });
});
