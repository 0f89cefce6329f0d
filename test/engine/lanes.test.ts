// Lanes (issue 12): local work never waits behind the OVH API. A MASTER with two failover IPs
// whose every OVH call hangs (the mock delays each answer by 30 s): CARP turns BACKUP, the devd
// event arrives, and GRE goes down and the OSPF cost goes up within 100 ms (fake clock: the local
// lane awaits nothing of OVH), while the OVH calls in flight are aborted at once. Back to MASTER:
// a new epoch, a new provider run, and the call it has in flight is aborted by the next change.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { OvhClient, type CallOptions, type HttpMethod } from '../../src/ovh/client.js';
import { createFailoverIpResources } from '../../src/resources/failover-ip/index.js';
import { GreResource } from '../../src/resources/gre/gre-resource.js';
import { createOspfResources } from '../../src/resources/ospf/resource.js';
import { createService } from '../../src/service/create.js';
import { COST, IFCONFIG, routerHost, TUNNEL, VTYSH } from '../blue-green/host.js';
import { FakeCarp, FakeDemotion } from '../fakes/carp.js';
import { FakeClock, flush } from '../fakes/clock.js';
import { FakeFlags } from '../fakes/flags.js';
import { captureLogger } from '../fakes/logger.js';
import { FakeTicker } from '../fakes/ticker.js';
import { legacyCredentials, moveWorld, SERVER_A, SERVER_B } from '../ovh-mock/fixtures.js';
import { startOvhMock, type OvhMock } from '../ovh-mock/server.js';

/** One OVH call as the client saw it: when it started, and how it ended (null: still in flight). */
interface CallRecord {
  path: string;
  startedAt: number;
  ended: null | { at: number; how: 'ok' | 'aborted' | 'error' };
}

/** The real client, recording each call and whether it ended by an abort of its signal. */
class RecordingClient extends OvhClient {
  readonly records: CallRecord[] = [];
  override async call<T>(method: HttpMethod, path: string, options?: CallOptions): Promise<T> {
    const record: CallRecord = { path: `${method} ${path}`, startedAt: Date.now(), ended: null };
    this.records.push(record);
    try {
      const result = await super.call<T>(method, path, options);
      record.ended = { at: Date.now(), how: 'ok' };
      return result;
    } catch (error) {
      record.ended = { at: Date.now(), how: options?.signal?.aborted ? 'aborted' : 'error' };
      throw error;
    }
  }
  inFlight(): CallRecord[] {
    return this.records.filter((r) => r.ended === null);
  }
}

let mock: OvhMock | undefined;
let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  await mock?.close();
  mock = stop = undefined;
});

/** Waits (real time, bounded) until `check` holds: real HTTP is involved. */
async function until(what: string, check: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('lanes: a hanging OVH API never delays the local side', () => {
  it('two IPFOs, every OVH call delayed 30 s: BACKUP takes GRE down and raises the cost ≤ 100 ms after the devd line; role changes abort the calls in flight', async () => {
    const clock = new FakeClock();
    const dir = mkdtempSync(join(tmpdir(), 'cf-lanes-'));
    mock = await startOvhMock({ now: () => clock.now(), state: moveWorld(SERVER_B) });
    mock.faults.add({ kind: 'slow', delayMs: 30_000, times: Infinity });
    const config = configSchema.parse({
      node: 'router-a',
      carp: { vhids: [{ vhid: 1, interface: 'vmx0' }] },
      settle: { local_ms: 0, provider_ms: 0 },
      reconcile: { period_s: 3600, timeout_ms: 120_000 },
      state_dir: dir,
      commands: { ifconfig: IFCONFIG },
      gre: { tunnels: [{ interface: TUNNEL }] },
      ospf: { vtysh: VTYSH, interfaces: [{ interface: TUNNEL, cost: { ...COST } }] },
      ovh: {
        base_url: mock.url,
        credentials: '/nonexistent/ovh.conf',
        timeout_ms: 60_000,
        ips: [
          { ip: '192.0.2.10/32', strategy: 'move', service: SERVER_A },
          { ip: '192.0.2.11/32', strategy: 'move', service: SERVER_A },
        ],
      },
    });
    const logger = captureLogger('info');
    const host = routerHost({ greUp: false, cost: COST.backup });
    const client = new RecordingClient({ credentials: legacyCredentials('a'), baseUrl: mock.url, timeoutMs: 60_000, clock, log: logger.log });
    const resources = [
      new GreResource(config.gre.tunnels[0]!, { host: host.host, ifconfig: IFCONFIG }),
      ...createOspfResources(config, host.host),
      ...createFailoverIpResources(config, client, clock),
    ];
    const carp = new FakeCarp().setAll('MASTER');
    const service = createService(config, { clock, log: logger.log, carp, demotion: new FakeDemotion(), resources, flags: new FakeFlags(), ticker: new FakeTicker(clock), random: () => 0.5 });
    const { engine } = service;
    stop = async () => {
      const stopping = service.stop(0);
      await clock.advance(2000);
      await stopping;
      rmSync(dir, { recursive: true, force: true });
    };

    await engine.start();
    expect(host.state).toEqual({ greUp: true, cost: COST.master }); // the local lane as MASTER
    await until('the provider lane calling OVH (and hanging)', () => client.inFlight().length > 0);
    const firstCalls = client.inFlight();

    // CARP turns BACKUP; the devd line arrives.
    carp.setAll('BACKUP');
    const lineAt = clock.now();
    engine.requestReconcile('devd CARP 1@vmx0 BACKUP');
    for (let t = 0; t < 100 && (host.state.greUp || host.state.cost !== COST.backup); t += 10) await clock.advance(10);
    expect(host.state).toEqual({ greUp: false, cost: COST.backup });
    expect(clock.now() - lineAt).toBeLessThanOrEqual(100);
    expect(host.writes().slice(-2)).toEqual([`${VTYSH} -c configure terminal -c interface ${TUNNEL} -c ip ospf cost ${COST.backup}`, `${IFCONFIG} ${TUNNEL} down`]);
    // The OVH calls of the old mastership were aborted, not left to hang for 30 s.
    await until('the calls in flight aborted', () => firstCalls.every((c) => c.ended !== null), 2000);
    expect(firstCalls.map((c) => c.ended!.how)).toEqual(firstCalls.map(() => 'aborted'));
    expect(firstCalls.every((c) => c.ended!.at - c.startedAt < 5000)).toBe(true);
    expect(mock.writes()).toEqual([]);

    // Back to MASTER: a new mastership, its provider run starts reading; the next change aborts it.
    carp.setAll('MASTER');
    engine.requestReconcile('devd CARP 1@vmx0 MASTER');
    await clock.advance(10);
    expect(host.state).toEqual({ greUp: true, cost: COST.master });
    await until('the new mastership calling OVH', () => client.inFlight().length > 0);
    const secondCalls = client.inFlight();
    expect(secondCalls.every((c) => !firstCalls.includes(c))).toBe(true);
    carp.setAll('BACKUP');
    engine.requestReconcile('devd CARP 1@vmx0 BACKUP');
    await clock.advance(10);
    await until('the second calls aborted', () => secondCalls.every((c) => c.ended !== null), 2000);
    expect(secondCalls.map((c) => c.ended!.how)).toEqual(secondCalls.map(() => 'aborted'));
    expect(host.state).toEqual({ greUp: false, cost: COST.backup });
    await flush();
    expect(mock.writes()).toEqual([]);
  }, 20_000);
});
