// Scenario 6 (issue 8): a partition of the CARP segment. Router B's port leaves the segment's
// bridge (its link stays up, its advertisements go nowhere), so both routers are MASTER and both
// claim the IPFO: each service flags it `contested` (status and log), and their claims are
// rate-limited (writes per router over the partition vs reclaim_min_interval_s). When the
// partition heals one MASTER remains, the IPFO ends bound to it, and `contested` clears.
import { describe, expect, it } from 'vitest';
import { nsExec } from '../support/netns.js';
import { frrUnavailable, netnsUnavailable, skipReason } from '../support/env.js';
import { carpEngineUnavailable } from './keepalived.js';
import { scenarioForFile } from './file-scenario.js';
import { NS_SEG, ROUTER_IDS, ROUTERS, type RouterId } from './plan.js';
import { ipfoBinding, localResourcesFollow, ovhResource, serviceLog, writesBy, type Scenario } from './scenario-helpers.js';
import { servicesSettledAsync } from './services.js';
import { readStatus } from './readouts.js';
import { readCarpState } from './standins/common.mjs';
import { ipfoRoute } from './edge.js';
import { masterOf } from './up.js';
import { waitFor } from './wait.js';

const skip = skipReason('lab e2e: partition of the CARP segment', netnsUnavailable(), frrUnavailable(), carpEngineUnavailable()) !== null;

// Re-claims at least 2 s apart, backing off to 8 s while contested (and `contested` clears once
// the binding has stayed ours that long); OVH verifies every 10 s (the schema's minimum).
const RECLAIM_MIN_S = 2;
const RECLAIM_MAX_S = 8;
const OVERRIDES = { ovh: { reclaim_min_interval_s: RECLAIM_MIN_S, reclaim_max_interval_s: RECLAIM_MAX_S, verify_period_s: 10 } };
/** How long the partition lasts once both services are MASTER: the window the writes are counted in. */
const PARTITION_MS = 30_000;

describe.skipIf(skip)('lab e2e: partition of the CARP segment (both MASTER)', () => {
  const scenario = scenarioForFile({ overrides: OVERRIDES });

  const contested = async (s: Scenario, id: RouterId): Promise<boolean> => {
    const detail = ovhResource(await readStatus(s.services[id]))?.detail;
    return detail?.kind === 'ovh' && detail.contested;
  };

  it('both MASTER claim with backoff and are flagged contested; healed, one MASTER holds the IPFO and contested clears', async () => {
    const s = scenario();
    const { ovh, run } = s;
    const rb = ROUTERS.rb;
    let partitioned = false;
    try {
      expect(masterOf(run.routers)?.plan.id).toBe('ra');
      expect(ipfoBinding(ovh)).toBe('ra');
      expect((await Promise.all(ROUTER_IDS.map((id) => contested(s, id)))).some(Boolean)).toBe(false);

      const t0 = Date.now();
      nsExec(NS_SEG, ['ip', 'link', 'set', rb.segPort, 'nomaster']);
      partitioned = true;
      await waitFor('both routers CARP MASTER and both services MASTER', 20_000, async () =>
        (await Promise.all(ROUTER_IDS.map(async (id) => readCarpState(run.routers[id].files.carpStateFile) === 'MASTER' && (await readStatus(s.services[id]))?.role === 'MASTER'))).every(Boolean), 100);
      const bothMasterAt = Date.now();
      // Both fight over the IPFO: each sees it moved away, says so, and backs off.
      await waitFor('both services flagging the IPFO contested', PARTITION_MS, async () => (await Promise.all(ROUTER_IDS.map((id) => contested(s, id)))).every(Boolean), 250);
      const contestedAt = Date.now();
      for (const id of ROUTER_IDS) {
        const lines = serviceLog(s.services[id], t0).filter((e) => e.contested === true && /SPLIT BRAIN/.test(e.msg ?? ''));
        expect(lines.length, `${id}'s log says contested`).toBeGreaterThan(0);
        const res = ovhResource(await readStatus(s.services[id]));
        expect(res?.detail, `${id} claimed`).toMatchObject({ kind: 'ovh', lastClaimAt: expect.any(String) });
      }
      // Keep the partition for the whole counting window (a window to show what does not happen).
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, bothMasterAt + PARTITION_MS - Date.now())));
      const healAt = Date.now();
      const perRouter: Record<string, number[]> = {};
      for (const id of ROUTER_IDS) {
        const writes = writesBy(ovh, id, t0);
        perRouter[id] = writes.map((w) => w.at);
        expect(writes.every((w) => w.method === 'POST' && w.url.includes('/move')), `${id}: only moves`).toBe(true);
        expect(writes.length, `${id} claimed during the partition`).toBeGreaterThanOrEqual(1);
        // Rate-limited: never two claims closer than reclaim_min_interval_s, so never more than
        // the window allows at that rate.
        const gaps = writes.slice(1).map((w, i) => w.at - writes[i]!.at);
        for (const gap of gaps) expect(gap, `${id}: gap between claims`).toBeGreaterThanOrEqual(RECLAIM_MIN_S * 1000);
        expect(writes.length).toBeLessThanOrEqual(Math.floor((healAt - t0) / (RECLAIM_MIN_S * 1000)) + 1);
      }

      nsExec(NS_SEG, ['ip', 'link', 'set', rb.segPort, 'master', 'br0']);
      partitioned = false;
      // Healed: router A (advskew 0) stays MASTER, router B steps down.
      await waitFor('one MASTER (router-a) after the heal', 20_000, async () => masterOf(run.routers)?.plan.id === 'ra' && (await readStatus(s.services.rb))?.role === 'BACKUP', 100);
      const oneMasterAt = Date.now();
      await waitFor('the IPFO bound to router-a', 40_000, () => ipfoBinding(ovh) === 'ra', 100);
      const boundAt = Date.now();
      await waitFor('contested cleared on both services', 40_000, async () => (await Promise.all(ROUTER_IDS.map((id) => contested(s, id)))).every((c) => !c), 250);
      const clearedAt = Date.now();
      await waitFor('both services settled', 30_000, () => servicesSettledAsync(Object.values(s.services)), 250);
      expect(ipfoBinding(ovh)).toBe('ra');
      expect(ipfoRoute()?.id).toBe('ra');
      // Router B keeps its tunnel up until it reads the IPFO elsewhere (never break a path OVH still
      // uses: keepPath); its reads are routine calls, which the claims of the partition may have
      // spent the client's per-minute budget on, so it can take up to a minute more.
      await waitFor('tunnels and costs following ra', 90_000, () => localResourcesFollow(s, 'ra'), 500);
      const res = ovhResource(await readStatus(s.services.ra));
      expect(res?.inSync).toBe(true);
      expect(res?.detail).toMatchObject({ kind: 'ovh', binding: { target: ROUTERS.ra.service, ours: true } });
      // Nothing from the BACKUP once healed.
      expect(writesBy(ovh, 'rb', oneMasterAt)).toHaveLength(0);
      console.log(
        `partition: both MASTER at +${bothMasterAt - t0} ms, both contested at +${contestedAt - t0} ms; ` +
          `claims during ${healAt - t0} ms: ra ${perRouter.ra!.length} at [${perRouter.ra!.map((at) => at - t0).join(', ')}] ms, rb ${perRouter.rb!.length} at [${perRouter.rb!.map((at) => at - t0).join(', ')}] ms; ` +
          `healed: one MASTER after ${oneMasterAt - healAt} ms, IPFO at ra after ${boundAt - healAt} ms, contested cleared after ${clearedAt - healAt} ms`,
      );
    } catch (error) {
      console.log(s.diagnose());
      throw error;
    } finally {
      if (partitioned) nsExec(NS_SEG, ['ip', 'link', 'set', rb.segPort, 'master', 'br0']);
    }
  }, 290_000);
});
