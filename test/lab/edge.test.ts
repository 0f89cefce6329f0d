// Each strategy's data path in the lab, without the services: upstream (OVH's edge) delivers the
// IPFO where the strategy says, and moving it is as fast as the mechanism allows. shared-vmac:
// the vMAC moves from one router's vtnet1 to the other's through the ifconfig stand-in and the
// hypervisor bridge follows at the gratuitous ARP (arp_notify), with no ping lost; vmac: the
// mock's binding points upstream's permanent neighbour entry at the bound router's vMAC; move:
// the binding routes the IPFO toward the bound router's tunnel.
import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { netnsUnavailable, skipReason } from '../support/env.js';
import { bridgePortOf, edgeMac, externalMac, ipfoRoute, routeIpfoToRouter } from './edge.js';
import { carpEngineUnavailable } from './keepalived.js';
import { PingProbe, longestGap, lostBetween } from './ping.js';
import { ROUTERS, SHARED_VMAC, type Strategy } from './plan.js';
import { startLab, type LabRun } from './up.js';
import { waitFor } from './wait.js';

const skip = skipReason('lab data paths', netnsUnavailable(), carpEngineUnavailable()) !== null;

describe.skipIf(skip)('lab: each strategy\'s data path', () => {
  let run: LabRun | undefined;
  afterEach(() => run?.lab.teardown());

  const up = async (strategy: Strategy) => {
    run = await startLab({ strategy, frr: false, carp: false });
    const ping = new PingProbe(run.lab);
    ping.start();
    return ping;
  };
  const ifconfig = (id: 'ra' | 'rb', ...args: string[]) => execFileSync(run!.routers[id].files.ifconfig, args, { env: {} });

  it('shared-vmac: the router carrying the vMAC gets the IPFO; moving the vMAC moves it with no ping lost (gratuitous ARP, bridge learning)', async () => {
    const ping = await up('shared-vmac');
    expect(edgeMac()).toBe(SHARED_VMAC);
    ifconfig('ra', 'vtnet1', 'ether', SHARED_VMAC);
    await waitFor('replies through ra', 5000, () => ping.last()?.router === 'ra', 20);
    expect(ipfoRoute()?.id).toBe('ra');
    const t0 = Date.now();
    // The carrier's order on a handover: the new MASTER carries the vMAC, the old one restores its own MAC.
    ifconfig('rb', 'vtnet1', 'ether', SHARED_VMAC);
    ifconfig('ra', 'vtnet1', 'ether', ROUTERS.ra.nicMac);
    await waitFor('replies through rb', 5000, () => ping.replies.some((r) => r.at > t0 && r.router === 'rb'), 20);
    await waitFor('more replies', 5000, () => ping.replies.filter((r) => r.at > t0).length > 50, 20);
    const gap = longestGap(ping.replies, t0);
    const lost = lostBetween(ping.replies, t0);
    console.log(`shared-vmac: vMAC moved ra → rb: longest gap ${gap?.gapMs} ms, lost ${lost.length}`);
    expect(bridgePortOf(SHARED_VMAC)).toBe(ROUTERS.rb.hvPort);
    expect(externalMac(ROUTERS.ra)).toBe(ROUTERS.ra.nicMac);
    expect(lost).toEqual([]);
    expect(gap!.gapMs).toBeLessThanOrEqual(30);
  }, 60_000);

  it('vmac: upstream sends the IPFO to the bound router\'s own vMAC, which its NIC carries for good', async () => {
    const ping = await up('vmac');
    expect(externalMac(ROUTERS.ra)).toBe(ROUTERS.ra.vmac);
    expect(externalMac(ROUTERS.rb)).toBe(ROUTERS.rb.vmac);
    expect(edgeMac()).toBe(ROUTERS.ra.vmac);
    await waitFor('replies through ra', 5000, () => ping.last()?.router === 'ra', 20);
    const t0 = Date.now();
    routeIpfoToRouter('vmac', ROUTERS.rb);
    await waitFor('replies through rb', 5000, () => ping.replies.some((r) => r.at > t0 && r.router === 'rb'), 20);
    expect(ipfoRoute()?.id).toBe('rb');
  }, 60_000);

  it('move: upstream routes the IPFO toward the bound router\'s tunnel', async () => {
    const ping = await up('move');
    expect(edgeMac()).toBeNull();
    await waitFor('replies through ra', 5000, () => ping.last()?.router === 'ra', 20);
    const t0 = Date.now();
    routeIpfoToRouter('move', ROUTERS.rb);
    await waitFor('replies through rb', 5000, () => ping.replies.some((r) => r.at > t0 && r.router === 'rb'), 20);
    expect(ipfoRoute()?.id).toBe('rb');
  }, 60_000);
});
