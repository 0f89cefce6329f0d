// The OSPF resource against real FRR (Debian's zebra + ospfd), driven through the real Host:
// two namespaces joined by a veth, r1 and its peer. r1 advertises 203.0.113.1/32 on lo; the
// peer's metric to it is its own link cost (10) plus r1's cost on lo, so the peer's
// `show ip route json` shows which cost r1 set. r1e0 (the stand-in for a GRE tunnel) carries the
// readiness check. vtysh runs in the root namespace and reaches each instance over the Unix
// sockets of its --vty_socket directory.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCronTicker } from '../../../src/engine/ticker.js';
import { systemClock } from '../../../src/host/ports.js';
import { createHost } from '../../../src/host/run.js';
import type { TargetRole } from '../../../src/model.js';
import { createOspfResources, OspfInterfaceUnknownError, type OspfActual, type OspfResource } from '../../../src/resources/ospf/resource.js';
import { frrUnavailable, netnsUnavailable, skipReason } from '../../support/env.js';
import { startFrr, VTYSH, waitFor, type FrrInstance } from '../../support/frr.js';
import { NetnsLab } from '../../support/netns.js';
import { createService } from '../../../src/service/create.js';
import { FakeCarp, FakeDemotion } from '../../fakes/carp.js';
import { FakeFlags } from '../../fakes/flags.js';
import { desiredContext, stepsOf } from '../../fakes/mastership.js';
import { ospfConfig } from './config.js';
import { testContext } from './context.js';

const skip = skipReason('OSPF integration (real FRR)', netnsUnavailable(), frrUnavailable());

const PREFIX = '203.0.113.1/32';
const PEER_LINK_COST = 10;
const FILE_COST = 77; // what ospfd's own config says; a restart brings it back
const COST = { master: 10, backup: 1000 };

// hello 1 / dead 3 and no LSA/SPF throttling: adjacency in ~1 s, a cost change on the peer in ms.
function frrConf(name: string, routerId: string, link: string, linkCost: number, extra: string): string {
  return `hostname ${name}
${extra}
interface ${link}
 ip ospf network point-to-point
 ip ospf hello-interval 1
 ip ospf dead-interval 3
 ip ospf cost ${linkCost}
!
router ospf
 ospf router-id ${routerId}
 timers throttle lsa all 0
 timers throttle spf 0 50 500
 timers lsa min-arrival 0
 network 192.0.2.0/30 area 0
`;
}

describe.skipIf(skip !== null)('OSPF resource against real FRR', () => {
  const lab = new NetnsLab('cfo');
  let tmp = '';
  let r1: FrrInstance;
  let peer: FrrInstance;
  let lo: OspfResource;
  let tunnel: OspfResource;
  const ctx = testContext();
  const ospfSection = () => ({
    vtysh: VTYSH,
    vty_socket: r1.vtySocket,
    timeout_ms: 5000,
    interfaces: [
      { interface: 'lo', cost: COST },
      { interface: 'r1e0', cost: COST, require_neighbors: 1 },
    ],
  });
  const host = createHost({ allowed: [VTYSH], defaultTimeoutMs: 5000 });

  /** One reconcile of one resource, as the engine's run does it: observe, plan, apply each step. */
  async function reconcile(resource: OspfResource, role: TargetRole): Promise<number> {
    const steps = stepsOf(resource.plan(resource.desired(desiredContext(role)), await resource.observe(ctx)));
    for (const step of steps) await resource.apply(step, ctx);
    return steps.length;
  }

  /** The peer's route to r1's /32: its metric and next hop, or null while it has none. */
  function peerRoute(): { metric: number; via: string | undefined } | null {
    const route = peer.vtyshJson(`show ip route ${PREFIX} json`)[PREFIX]?.find((r: { protocol: string; selected?: boolean }) => r.protocol === 'ospf' && r.selected);
    return route ? { metric: route.metric, via: route.nexthops?.[0]?.ip } : null;
  }

  const waitMetric = (metric: number) =>
    waitFor(`the peer's metric to ${PREFIX} to be ${metric}`, () => peerRoute()?.metric === metric && peerRoute(), 10_000, 50);

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'cfo-ospf-'));
    chmodSync(tmp, 0o755); // the frr user must reach the instance directories
    const nsR1 = lab.addNamespace('r1');
    const nsPeer = lab.addNamespace('peer');
    lab.addVeth(nsR1, 'r1e0', nsPeer, 'pe0');
    lab.addAddress(nsR1, 'r1e0', '192.0.2.1/30');
    lab.addAddress(nsPeer, 'pe0', '192.0.2.2/30');
    lab.addAddress(nsR1, 'lo', PREFIX);
    const r1Extra = `interface lo\n ip ospf cost ${FILE_COST}\n!`;
    [r1, peer] = await Promise.all([
      startFrr({ ns: nsR1, name: nsR1, dir: join(tmp, 'r1'), config: `${frrConf('r1', '10.255.0.1', 'r1e0', FILE_COST, r1Extra)} network ${PREFIX} area 0\n passive-interface lo\n` }),
      startFrr({ ns: nsPeer, name: nsPeer, dir: join(tmp, 'peer'), config: frrConf('peer', '10.255.0.2', 'pe0', PEER_LINK_COST, '') }),
    ]);
    await waitMetric(PEER_LINK_COST + FILE_COST);

    [lo, tunnel] = createOspfResources(ospfConfig(ospfSection()), host) as [OspfResource, OspfResource];
  });

  afterAll(async () => {
    await Promise.allSettled([r1?.stop(), peer?.stop()]);
    lab.remove();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('after MASTER the peer routes the /32 through r1 with the MASTER cost', async () => {
    expect(await reconcile(lo, 'MASTER')).toBe(1);
    expect(await reconcile(tunnel, 'MASTER')).toBe(1);
    expect(await waitMetric(PEER_LINK_COST + COST.master)).toEqual({ metric: 20, via: '192.0.2.1' });
    expect(r1.vtyshJson('show ip ospf interface r1e0 json').interfaces.r1e0.cost).toBe(COST.master);
    // Level-triggered and idempotent: the next run finds nothing to do.
    expect(await reconcile(lo, 'MASTER')).toBe(0);
    expect(await reconcile(tunnel, 'MASTER')).toBe(0);
  });

  it('after BACKUP the peer sees the BACKUP cost', async () => {
    expect(await reconcile(lo, 'BACKUP')).toBe(1);
    expect(await reconcile(tunnel, 'BACKUP')).toBe(1);
    expect(await waitMetric(PEER_LINK_COST + COST.backup)).toEqual({ metric: 1010, via: '192.0.2.1' });
  });

  it('ospfd killed and restarted comes back with its file cost; the next reconcile restores ours', async () => {
    await r1.killOspfd();
    await expect(lo.observe(ctx)).rejects.toMatchObject({ code: 'OSPF_UNAVAILABLE', message: expect.stringContaining('ospfd is not running') });
    expect(lo.readiness(undefined)).toEqual([{ resource: 'ospf:lo', reason: expect.stringContaining('ospfd is not running') }]);

    await r1.startOspfd();
    const drifted = await lo.observe(ctx);
    expect(drifted.cost).toBe(FILE_COST);
    expect(lo.readiness(drifted)).toEqual([]);
    await waitMetric(PEER_LINK_COST + FILE_COST); // the drift is real on the wire

    expect(await reconcile(lo, 'BACKUP')).toBe(1); // observe → plan → apply, as the periodic run does
    expect(await waitMetric(PEER_LINK_COST + COST.backup)).toMatchObject({ metric: 1010 });
    expect(await reconcile(tunnel, 'BACKUP')).toBe(1);
    expect((await tunnel.observe(ctx)).cost).toBe(COST.backup);
  });

  it('a neighbour that goes away holds readiness, naming the interface and the counts; it lets go when it is back', async () => {
    await waitFor('r1e0 to be Full again after the restart', async () => ((await tunnel.observe(ctx)).neighbors?.full ?? 0) >= 1, 10_000);
    expect(tunnel.readiness(await tunnel.observe(ctx))).toEqual([]);

    await peer.killOspfd();
    const lonely = await waitFor('r1 to drop its dead neighbour (dead interval 3 s)', async () => {
      const seen: OspfActual = await tunnel.observe(ctx);
      return seen.neighbors?.full === 0 && seen;
    }, 10_000, 200);
    expect(tunnel.readiness(lonely)).toEqual([{ resource: 'ospf:r1e0', reason: 'r1e0: 0 Full OSPF neighbours, 1 required' }]);

    await peer.startOspfd();
    const back = await waitFor('the adjacency to come back', async () => {
      const seen = await tunnel.observe(ctx);
      return (seen.neighbors?.full ?? 0) >= 1 && seen;
    }, 10_000);
    expect(tunnel.readiness(back)).toEqual([]);
  });

  it('an interface ospfd does not run OSPF on is a clear error, and nothing is changed', async () => {
    const config = ospfConfig({ vtysh: VTYSH, vty_socket: r1.vtySocket, interfaces: [{ interface: 'gre9', cost: COST }] });
    const [ghost] = createOspfResources(config, host);
    const error = await ghost!.observe(ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OspfInterfaceUnknownError);
    expect((error as Error).message).toMatch(/^ospfd does not know the interface gre9; OSPF interfaces it knows: lo, r1e0/);
    expect(r1.vtysh('show running-config')).not.toContain('gre9');
  });

  it('an interface known to ospfd only as a placeholder (interface gre8 + ip ospf cost 5) is an error naming it, never in sync', async () => {
    r1.vtysh('configure terminal', 'interface gre8', 'ip ospf cost 5'); // FRR accepts this with exit 0
    if (process.env.CFL_CAPTURE) process.stdout.write(`${r1.vtysh('show ip ospf interface gre8 json')}\n`);
    const config = ospfConfig({ vtysh: VTYSH, vty_socket: r1.vtySocket, interfaces: [{ interface: 'gre8', cost: COST }] });
    const [ghost] = createOspfResources(config, host);
    const error = await ghost!.observe(ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OspfInterfaceUnknownError);
    expect((error as Error).message).toMatch(/^ospfd knows only a configuration placeholder \(ifIndex 0, no such interface in zebra\) for gre8; OSPF interfaces it knows: lo, r1e0\./);
  });

  it('driven by the real engine: MASTER costs, a restart healed by the periodic run alone, the readiness hold and demotion in status', async () => {
    const config = ospfConfig(ospfSection(), { state_dir: tmp, settle: { local_ms: 0, provider_ms: 0 }, reconcile: { period_s: 1 } });
    const carp = new FakeCarp().setAll('MASTER');
    const demotion = new FakeDemotion();
    const service = createService(config, {
      clock: systemClock,
      log: ctx.log,
      carp,
      demotion,
      resources: createOspfResources(config, host),
      flags: new FakeFlags(),
      ticker: createCronTicker({ log: ctx.log }),
    });
    const { engine } = service;
    await engine.start();
    try {
      await waitMetric(PEER_LINK_COST + COST.master);
      const ospf = () => engine.status().resources.filter((r) => r.kind === 'ospf');
      expect(ospf().map((r) => [r.id, r.inSync, r.lastError])).toEqual([['ospf:lo', true, null], ['ospf:r1e0', true, null]]);
      expect(engine.status().readiness).toEqual({ ready: true, holds: [] });

      // Drift: ospfd restarts with its file's cost; no event, no request: the 1 s periodic run heals it.
      await r1.killOspfd();
      await r1.startOspfd();
      const healedAt = Date.now();
      await waitFor('the periodic run to restore the MASTER cost on lo', () => r1.vtyshJson('show ip ospf interface lo json').interfaces.lo.cost === COST.master, 5000, 50);
      expect(Date.now() - healedAt).toBeLessThan(config.reconcile.period_s * 1000 + 2000); // one period, plus backoff after the failed run
      await waitMetric(PEER_LINK_COST + COST.master);

      // The neighbour goes: the engine holds the readiness demotion, and says why in status.
      await peer.killOspfd();
      const hold = await waitFor('a readiness hold in the engine status', () => engine.status().readiness.holds.find((h) => h.resource === 'ospf:r1e0'), 10_000, 200);
      expect(hold.reason).toBe('r1e0: 0 Full OSPF neighbours, 1 required');
      await waitFor('the readiness demotion', () => demotion.ours.readiness === config.carp.demotion.readiness, 5000, 100);

      await peer.startOspfd();
      await waitFor('readiness to be met again', () => engine.status().readiness.ready, 10_000, 200);
      await waitFor('the readiness demotion to be released', () => demotion.ours.readiness === 0, 5000, 100);
    } finally {
      await service.stop();
    }
  });
});
