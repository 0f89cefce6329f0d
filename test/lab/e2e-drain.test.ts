// End to end, blue/green: `drain --wait` on the MASTER returns 0 only once the peer is MASTER, the
// IPFO is bound to it and this router's cost is raised and tunnel down; then the "OS update"
// (service and CARP stopped, restarted) must not give MASTER back while drained, and `undrain`
// lets preemption bring everything back.
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { frrUnavailable, netnsUnavailable, skipReason } from '../support/env.js';
import { carpEngineUnavailable } from './keepalived.js';
import { CLAIM_LAG_MAX_MS, COST, carpEvents, claimLagMs, cli, printTimeline, waitFollows } from './follow-checks.js';
import { scenarioForFileWithPing } from './file-scenario.js';
import { measureDrain } from './measure.js';
import { firstReplyFrom, longestGap, lostBetween } from './ping.js';
import { expectOpenGoalAtMost, openGoalSkipped } from './goals.js';
import { ipfoBinding, moveRequests, ospfCost, tunnelUp, writesBy } from './scenario-helpers.js';
import { readStatus } from './readouts.js';
import { readCarpState, readSysctls } from './standins/common.mjs';
import { waitFor } from './wait.js';

const skip = skipReason('lab e2e drain', netnsUnavailable(), frrUnavailable(), carpEngineUnavailable()) !== null;

/** Issue 13: a drain and an undrain with move lose no ping; the longest gap at most this. */
const GAP_MAX_MS = 30;

/** The maintenance demotion of the lab config (the schema's default). */
const MAINTENANCE = 240;

describe.skipIf(skip)('lab: drain with confirmation, OS update, undrain', () => {
  const { scenario, ping } = scenarioForFileWithPing();

  const demotionOf = (id: 'ra' | 'rb') => readSysctls(scenario().run.routers[id].files.sysctlFile).demotion;

  it('drain --wait exits 0 only once router b is MASTER, the IPFO is bound to b, a\'s cost is raised and its tunnel down', async () => {
    const lab = scenario();
    await waitFollows(lab, 'ra', 30_000);
    await waitFor('ping replies through ra', 10_000, () => ping().last()?.router === 'ra');
    const t0 = Date.now();
    const drain = await cli(lab.services.ra, ['drain', '--wait', '--timeout', '60'], 75_000);
    // Read the moment it returned, before anything else can move.
    const at = {
      carpB: readCarpState(lab.run.routers.rb.files.carpStateFile),
      carpA: readCarpState(lab.run.routers.ra.files.carpStateFile),
      binding: ipfoBinding(lab.ovh),
      costGre: ospfCost(lab, 'ra', 'gre0'),
      costCarp: ospfCost(lab, 'ra', 'vtnet0'),
      tunnelA: tunnelUp('ra'),
    };
    printTimeline(lab, 'drain of ra', t0);
    console.log(`drain --wait exited ${drain.code} after ${drain.ms} ms:\n${drain.stdout}${drain.stderr}`);
    expect(drain.code, drain.stdout + drain.stderr).toBe(0);
    expect(drain.stdout).toMatch(/drained/);
    expect(at).toEqual({ carpB: 'MASTER', carpA: 'BACKUP', binding: 'rb', costGre: COST.backup, costCarp: COST.backup, tunnelA: false });
    expect((await readStatus(lab.services.rb))?.role).toBe('MASTER');
    const a = await readStatus(lab.services.ra);
    expect(a?.flags.drain).toBe(true);
    expect(a?.drain?.drained).toBe(true);
    expect(a?.demotion.ours.maintenance).toBe(MAINTENANCE);
    expect(demotionOf('ra')).toBe(MAINTENANCE);

    await waitFollows(lab, 'rb', 30_000);
    const reply = firstReplyFrom(ping().replies, 'rb', t0);
    expect(reply).toBeDefined();
    await waitFor('replies after the drain', 5000, () => ping().replies.filter((r) => r.at > Date.now() - 100).length > 0, 20);
    const gap = longestGap(ping().replies, t0)?.gapMs ?? 0;
    const lost = lostBetween(ping().replies, t0);
    console.log(`drain: longest ping gap ${gap} ms, lost ${lost.length}; first reply through rb at +${reply!.at - t0} ms`);
    // Issue 13: a drain loses no ping (never break a path OVH still uses), longest gap ≤ 30 ms.
    expectOpenGoalAtMost('move drain, pings lost', lost.length, 0);
    expectOpenGoalAtMost('move drain, longest gap ms', gap, GAP_MAX_MS);
    expect(writesBy(lab.ovh, 'ra', t0)).toEqual([]);
    // b claimed right after its CARP switch (it was briefly MASTER at boot: its cached binding
    // from then must not be trusted, see src/engine/reconcile-run.ts).
    const lag = claimLagMs(lab, 'rb', t0);
    console.log(`drain: rb claimed the IPFO ${lag} ms after its CARP switch`);
    expect(lag).not.toBeNull();
    expect(lag!).toBeLessThan(CLAIM_LAG_MAX_MS);
  }, 120_000);

  it('during the OS update (a\'s service and CARP stopped) b keeps serving and nothing moves at OVH', async () => {
    const lab = scenario();
    const ra = lab.run.routers.ra;
    const t0 = Date.now();
    await lab.services.ra.stop('SIGTERM');
    await ra.carp.stop();
    // A clean stop keeps the operator's maintenance share in the kernel (docs/blue-green.md).
    expect(demotionOf('ra')).toBe(MAINTENANCE);
    // A window in which nothing may happen: replies only through b, no binding change.
    const bindings = new Set<string | null>();
    for (const end = Date.now() + 5000; Date.now() < end; await sleep(100)) bindings.add(ipfoBinding(lab.ovh));
    const replies = ping().replies.filter((r) => r.at >= t0);
    const gap = longestGap(ping().replies, t0);
    console.log(`OS update window: ${replies.length} replies, longest gap ${gap?.gapMs ?? '-'} ms, bindings seen ${[...bindings].join(',')}`);
    expect(replies.length).toBeGreaterThan(100);
    expect(replies.every((r) => r.router === 'rb')).toBe(true);
    expect(gap!.gapMs).toBeLessThan(500);
    expect([...bindings]).toEqual(['rb']);
    expect(moveRequests(lab.ovh, t0)).toEqual([]);
    expect(readCarpState(lab.run.routers.rb.files.carpStateFile)).toBe('MASTER');
  }, 60_000);

  it('restarted while drained, a stays BACKUP: the drain is re-applied (status and sysctl) and b keeps everything', async () => {
    const lab = scenario();
    const ra = lab.run.routers.ra;
    const t0 = Date.now();
    ra.carp.start();
    const service = await lab.restart('ra');
    // The boot hold-down ends and the service is ready, still BACKUP, the maintenance share held.
    const report = await waitFor('a ready again, boot demotion released', 40_000, async () => {
      const r = await readStatus(service);
      return r && r.readiness.ready && r.demotion.ours.boot === 0 && r.role === 'BACKUP' && r.resources.every((res) => res.inSync === true || res.desired == null) ? r : null;
    }, 250);
    // And a little longer, to let a wrong preemption happen if it would.
    await sleep(4000);
    printTimeline(lab, 'restart of ra while drained', t0);
    // Not MASTER at any moment since the restart (the stand-in server logs every switch).
    expect(carpEvents(lab.run.eventsFile).filter((e) => e.at >= t0 && e.router === 'ra' && e.state === 'MASTER')).toEqual([]);
    expect(readCarpState(ra.files.carpStateFile)).toBe('BACKUP');
    expect(report.flags.drain).toBe(true);
    expect(report.drain?.drained).toBe(true);
    expect(report.demotion.ours.maintenance).toBe(MAINTENANCE);
    expect(report.demotion.total).toBe(MAINTENANCE);
    expect(demotionOf('ra')).toBe(MAINTENANCE);
    expect(ra.carp.advskew).toBe(Math.min(240, ra.plan.advskew + MAINTENANCE));
    expect(moveRequests(lab.ovh, t0)).toEqual([]);
    expect(ping().replies.filter((r) => r.at >= t0).every((r) => r.router === 'rb')).toBe(true);
    await waitFollows(lab, 'rb', 10_000);
  }, 90_000);

  it('undrain: a takes MASTER back (preempt) and the IPFO follows to a', async () => {
    const lab = scenario();
    const t0 = Date.now();
    const undrain = await cli(lab.services.ra, ['undrain']);
    expect(undrain.code, undrain.stdout + undrain.stderr).toBe(0);
    const reply = await waitFor('the first ping reply through ra', 30_000, () => firstReplyFrom(ping().replies, 'ra', t0));
    await waitFollows(lab, 'ra', 30_000);
    printTimeline(lab, 'undrain of ra', t0);
    const gap = longestGap(ping().replies, t0)?.gapMs ?? 0;
    const lost = lostBetween(ping().replies, t0);
    console.log(`undrain: first reply through ra at +${reply.at - t0} ms; longest gap ${gap} ms, lost ${lost.length}`);
    expectOpenGoalAtMost('move undrain, pings lost', lost.length, 0);
    expectOpenGoalAtMost('move undrain, longest gap ms', gap, GAP_MAX_MS);
    const a = await readStatus(lab.services.ra);
    expect(a?.flags.drain).toBe(false);
    expect(a?.demotion.total).toBe(0);
    expect(demotionOf('ra')).toBe(0);
    expect(writesBy(lab.ovh, 'ra', t0).map((w) => `${w.method} ${w.route} ${w.status}`)).toEqual(['POST /ip/{ip}/move 200']);
    expect(writesBy(lab.ovh, 'rb', t0)).toEqual([]);
  }, 90_000);

  it.skipIf(openGoalSkipped('move drain/undrain with 20 s tasks'))('with OVH move tasks of 20 s, a drain and an undrain still lose no ping (longest gap ≤ 30 ms)', async () => {
    const lab = scenario();
    lab.ovh.mock.state.durations.doingMs = 20_000;
    const { drain, undrain } = await measureDrain(lab, ping(), 'ra', { followMs: 90_000 });
    console.log(`task 20 s: drain gap ${drain.longestGap} ms, lost ${drain.lost}, done in ${drain.settledAfter} ms; undrain gap ${undrain.longestGap} ms, lost ${undrain.lost}, done in ${undrain.settledAfter} ms`);
    expect({ drain: drain.lost, undrain: undrain.lost }).toEqual({ drain: 0, undrain: 0 });
    expect(drain.longestGap).toBeLessThanOrEqual(GAP_MAX_MS);
    expect(undrain.longestGap).toBeLessThanOrEqual(GAP_MAX_MS);
  }, 240_000);
});
