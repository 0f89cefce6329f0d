// The engine driving the real FreeBSD pieces (CARP observer, GRE resource) through a FakeHost
// that plays a router: `ifconfig vtnet0` prints the CARP state in FreeBSD 14's text format (from
// test/fixtures/freebsd/fbsd14-vtnet0-peer.txt) and `ifconfig gre0 up|down` changes gre0.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CarpState } from '../../src/model.js';
import { createCarpObserver } from '../../src/host/freebsd/observer.js';
import { GreResource } from '../../src/resources/gre/gre-resource.js';
import { createService } from '../../src/service/create.js';
import { FakeDemotion } from '../fakes/carp.js';
import { FakeClock } from '../fakes/clock.js';
import { FakeFlags } from '../fakes/flags.js';
import { FakeHost } from '../fakes/host.js';
import { captureLogger } from '../fakes/logger.js';
import { FakeTicker } from '../fakes/ticker.js';
import { testConfig } from './support/harness.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/freebsd/${name}`, import.meta.url), 'utf8');

/** A router as ifconfig shows it. */
class Router {
  carp: CarpState = 'BACKUP';
  greUp = false;
  readonly host = new FakeHost();

  constructor() {
    const vtnet0 = fixture('fbsd14-vtnet0-peer.txt');
    const gre0 = fixture('fbsd14-gre0-up.txt');
    this.host.on(['/sbin/ifconfig', '--libxo'], { exitCode: 1, stderr: 'ifconfig: illegal option -- -' });
    this.host.on(['/sbin/ifconfig', 'vtnet0'], () => vtnet0.replace('carp: MASTER vhid 1', `carp: ${this.carp} vhid 1`));
    this.host.on(['/sbin/ifconfig', 'gre0'], () => (this.greUp ? gre0 : gre0.replace('flags=1008051<UP,POINTOPOINT,RUNNING,MULTICAST,LOWER_UP>', 'flags=1008010<POINTOPOINT,MULTICAST,LOWER_UP>')));
    this.host.on(['/sbin/ifconfig', 'gre0', 'up'], () => ((this.greUp = true), ''));
    this.host.on(['/sbin/ifconfig', 'gre0', 'down'], () => ((this.greUp = false), ''));
  }

  writes(): string[] {
    return this.host.commandLines().filter((line) => / (up|down)$/.test(line));
  }
}

let dir: string | null = null;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = null;
});

describe('Engine with the FreeBSD CARP observer and GRE resource', () => {
  it('brings gre0 up on MASTER and down on BACKUP with the exact ifconfig lines, journaled', async () => {
    dir = mkdtempSync(join(tmpdir(), 'cfe-freebsd-'));
    const router = new Router();
    const config = testConfig({ carp: { vhids: [{ vhid: 1, interface: 'vtnet0' }] }, settle: { local_ms: 0 }, gre: { tunnels: [{ interface: 'gre0' }] } }, dir);
    const clock = new FakeClock();
    const logger = captureLogger('info');
    const gre = new GreResource(config.gre.tunnels[0]!, { host: router.host, ifconfig: config.commands.ifconfig });
    const service = createService(config, {
      clock,
      log: logger.log,
      carp: createCarpObserver(router.host, config.commands.ifconfig),
      demotion: new FakeDemotion(),
      resources: [gre],
      flags: new FakeFlags(),
      ticker: new FakeTicker(clock),
    });
    const { engine } = service;
    await engine.start();
    expect(engine.status().role).toBe('BACKUP');
    expect(router.writes()).toEqual([]);

    router.carp = 'MASTER';
    await engine.reconcileNow();
    expect(engine.status().role).toBe('MASTER');
    expect(router.writes()).toEqual(['/sbin/ifconfig gre0 up']);
    expect(engine.status().resources[0]).toMatchObject({ id: 'gre:gre0', inSync: true, actual: { exists: true, up: true } });

    router.carp = 'BACKUP';
    await clock.advance(15_000); // no event: the periodic run notices
    expect(router.writes()).toEqual(['/sbin/ifconfig gre0 up', '/sbin/ifconfig gre0 down']);

    const timelines = await engine.history(10);
    expect(timelines.map((t) => [t.from, t.to, t.steps.map((s) => s.step)])).toEqual([
      ['INIT', 'BACKUP', []],
      ['BACKUP', 'MASTER', ['/sbin/ifconfig gre0 up']],
      ['MASTER', 'BACKUP', ['/sbin/ifconfig gre0 down']],
    ]);
    await service.stop();
  });
});
