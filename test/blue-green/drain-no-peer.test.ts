// Drain with no peer to hand over to: CARP stays MASTER here, so the node is never drained, and
// `carp-failover drain --wait` run against the real control sockets (the real socket servers and
// ServiceApi over the real Engine) times out with exit 1, naming the unmet condition and the
// likely cause. The CLI's clock and sleep are the test's fake clock: waiting moves engine time.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeDrainCommands } from '../../src/cli/commands/drain.js';
import { EXIT } from '../../src/exit-codes.js';
import type { CommandContext } from '../../src/cli/command-spec.js';
import { startIntakeSocket } from '../../src/events/intake-socket.js';
import type { SocketServer } from '../../src/control/socket-server.js';
import { startStatusSocket } from '../../src/control/status-socket.js';
import { drainHint } from '../../src/status/drain.js';
import { IP } from '../ovh-mock/fixtures.js';
import { makeWorld, unmet, type Node, type World } from './rig.js';

let world: World | undefined;
const servers: SocketServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
  await world?.close();
  world = undefined;
});

/** The daemon's two sockets for one node, and a config file naming them (what `-c` reads). */
async function sockets(node: Node): Promise<string> {
  const s = node.config.sockets;
  const log = node.logger.log;
  servers.push(await startStatusSocket({ path: s.status.path, mode: s.status.mode, group: null, maxClients: s.max_clients, idleTimeoutMs: s.idle_timeout_ms, api: node.api, log }));
  servers.push(await startIntakeSocket({ path: s.intake.path, mode: s.intake.mode, maxClients: s.max_clients, idleTimeoutMs: s.idle_timeout_ms, followed: () => node.config.carp.vhids, api: node.api, log }));
  const configPath = join(node.config.state_dir, 'carp-failover.yaml');
  writeFileSync(configPath, `node: ${node.config.node}\ncarp:\n  vhids: [{ vhid: 1, interface: vmx0 }]\nsockets:\n  intake: { path: ${s.intake.path} }\n  status: { path: ${s.status.path} }\n`);
  return configPath;
}

describe('drain with no peer', () => {
  it('stays MASTER and not drained; drain --wait exits 1 naming vhids and preempt', async () => {
    const w = (world = await makeWorld({ strategy: 'vmac', boundTo: 'a', master: 'a' }));
    const a = await w.node('a'); // the only router: nobody hears its demoted advertisements
    await a.engine.start();
    await w.run(10_000);
    expect(a.report().role).toBe('MASTER');
    const configPath = await sockets(a);

    const out: string[] = [];
    const err: string[] = [];
    const ctx: CommandContext = {
      options: { config: configPath, wait: true, timeout: 30 },
      args: [],
      io: { stdout: (t) => out.push(t), stderr: (t) => err.push(t), isTTY: false },
      env: {},
    };
    const drain = makeDrainCommands({ pollIntervalMs: 1000, now: () => w.clock.now(), sleep: (ms) => w.run(ms, undefined, ms) }).find((c) => c.words[0] === 'drain')!;
    const started = w.clock.now();
    const status = await drain.run(ctx);

    expect(status).toBe(EXIT.FAILURE);
    expect(w.clock.now() - started).toBeGreaterThanOrEqual(30_000);
    expect(out.join('')).toMatch(/^drain flag set: the maintenance demotion hands MASTER to the peer \(router-a, role MASTER\)\nwaiting up to 30 s/);
    const stderr = err.join('');
    expect(stderr).toContain('drain not confirmed after 30 s.\n');
    expect(stderr).toContain('  wait vhids: not BACKUP here: 1@vmx0 MASTER\n');
    expect(stderr).toMatch(/likely cause: no peer took MASTER: is net\.inet\.carp\.preempt=1 on the peer, and is it up and hearing this node's advertisements\?/);
    expect(stderr).toContain('the drain flag stays set: run `carp-failover undrain`');

    // The service agrees: flag set, contribution applied, still MASTER, not drained.
    const report = a.report();
    expect(report.flags.drain).toBe(true);
    expect(await a.flags.meta('drain')).toMatchObject({ who: 'control socket' });
    expect(a.demotion.ours.maintenance).toBe(240);
    expect(report.role).toBe('MASTER');
    expect(report.drain!.drained).toBe(false);
    expect(unmet(report)).toEqual(['vhids', `ovh:${IP}`, 'ospf:gre0', 'gre:gre0']);
    expect(report.drain!.conditions.find((c) => c.name === `ovh:${IP}`)!.detail).toBe('still bound here (02:00:00:aa:00:01)');
    expect(drainHint(report.drain!, report)).toMatch(/^no peer took MASTER: is net\.inet\.carp\.preempt=1 on the peer/);
    // A MASTER that cannot hand over keeps serving: nothing was taken down, nothing written.
    expect(a.host.state).toEqual({ greUp: true, cost: 10 });
    expect(a.host.writes()).toEqual([]);
    expect(w.mock.writes()).toEqual([]);
  });
});
