// End to end: the MASTER's CARP stops, the peer takes everything (tunnel, OSPF cost, the OVH
// binding, upstream's traffic to the IPFO); CARP comes back and preemption brings it all back.
// The outage is measured by a continuous ping from upstream and printed with the timeline, and
// `history` on each new MASTER shows its failover as steps with offsets.
import { describe, expect, it } from 'vitest';
import type { Timeline as HistoryTimeline } from '../../src/status/model.js';
import { frrUnavailable, netnsUnavailable, skipReason } from '../support/env.js';
import { carpEngineUnavailable } from './keepalived.js';
import { CLAIM_LAG_MAX_MS, claimLagMs, cli, printTimeline, waitFollows, type CliResult } from './follow-checks.js';
import { scenarioForFileWithPing } from './file-scenario.js';
import { firstReplyFrom, longestGap } from './ping.js';
import { carpDetectionMs, type RouterId } from './plan.js';
import { writesBy } from './scenario-helpers.js';
import { waitFor } from './wait.js';

const skip = skipReason('lab e2e failover', netnsUnavailable(), frrUnavailable(), carpEngineUnavailable()) !== null;

/** The failover of `history --json` that made `router` MASTER at or after `since`. */
function historyEntry(result: CliResult, since: number): HistoryTimeline | undefined {
  const timelines = JSON.parse(result.stdout) as HistoryTimeline[];
  return timelines.find((t) => t.to === 'MASTER' && t.from !== 'MASTER' && Date.parse(t.at) >= since);
}

describe.skipIf(skip)('lab: failover and failback', () => {
  const { scenario, ping } = scenarioForFileWithPing();

  /** Moves MASTER from `from` to `to` with `act`, then checks the data path, OVH and history. */
  async function move(name: string, from: RouterId, to: RouterId, act: () => Promise<void>): Promise<void> {
    const lab = scenario();
    await waitFollows(lab, from, 30_000);
    await waitFor(`ping replies through ${from}`, 10_000, () => ping().last()?.router === from);
    const t0 = Date.now();
    await act();
    const reply = await waitFor(`the first ping reply through ${to}`, 30_000, () => firstReplyFrom(ping().replies, to, t0));
    await waitFollows(lab, to, 30_000);
    const settledAt = Date.now();
    printTimeline(lab, `${name}: ${from} → ${to}`, t0, settledAt);
    const gap = longestGap(ping().replies, t0);
    const detection = carpDetectionMs(lab.run.routers[to].carp.advskew);
    console.log(
      `${name}: longest gap ${gap ? `${gap.gapMs} ms (${gap.lost} lost)` : 'none'}; first reply through ${to} at +${reply.at - t0} ms; ` +
        `everything followed by +${settledAt - t0} ms; CARP's own detection ${detection.toFixed(0)} ms`,
    );

    // Traffic: once it came through the new MASTER it stays there, and the cut is bounded by
    // CARP detection plus the settle times and the (0 ms) OVH task, with room for a loaded CI.
    expect(ping().replies.filter((r) => r.at >= reply.at).every((r) => r.router === to)).toBe(true);
    expect(gap).not.toBeNull();
    expect(gap!.gapMs).toBeLessThan(detection + 6000);
    // One claim by the new MASTER, none by the old one.
    const claims = writesBy(lab.ovh, to, t0);
    expect(claims.map((w) => `${w.method} ${w.route} ${w.status}`)).toEqual(['POST /ip/{ip}/move 200']);
    expect(writesBy(lab.ovh, from, t0)).toEqual([]);
    // Claimed promptly after the CARP switch, not after a verify period (a stale cached binding).
    const lag = claimLagMs(lab, to, t0);
    console.log(`${name}: ${to} claimed the IPFO ${lag} ms after its CARP switch`);
    expect(lag).not.toBeNull();
    expect(lag!).toBeLessThan(CLAIM_LAG_MAX_MS);

    // `history` on the new MASTER: this transition, with a step for every resource, at offsets.
    const json = await cli(lab.services[to], ['history', '--json']);
    expect(json.code, json.stderr).toBe(0);
    const entry = historyEntry(json, t0);
    expect(entry, json.stdout).toBeDefined();
    const resources = new Set(entry!.steps.filter((step) => step.outcome === 'ok').map((step) => step.resource));
    for (const id of ['gre:gre0', 'ospf:gre0', 'ospf:vtnet0', 'ovh:203.0.113.10/32']) expect(resources).toContain(id);
    expect(entry!.steps.every((step) => step.offsetMs >= 0 && step.offsetMs < 30_000)).toBe(true);
    expect(entry!.convergedAfterMs).not.toBeNull();
    const text = await cli(lab.services[to], ['history']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/→ MASTER/);
    expect(text.stdout).toMatch(/\+\d+ ms\s+ovh:203\.0\.113\.10\/32/);
    console.log(`${name}: \`carp-failover history\` on ${to}:\n${text.stdout}`);
  }

  it('fails over when the MASTER loses CARP: tunnel, OSPF cost, OVH binding and traffic follow the peer', async () => {
    await move('failover', 'ra', 'rb', () => scenario().run.routers.ra.carp.stop());
  }, 120_000);

  it('fails back when CARP returns (preempt): everything follows the original MASTER again', async () => {
    await move('failback', 'rb', 'ra', async () => scenario().run.routers.ra.carp.start());
  }, 120_000);
});
