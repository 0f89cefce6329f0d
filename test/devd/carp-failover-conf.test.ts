// Runs the devd rule's own action the way devd(8) does: the notify block's match expressions are
// anchored (devd.conf(5): implicit ^$), $subsystem and $type are substituted into the action, and
// the result is run with /bin/sh -c (devd's my_system()). This is the one place a test runs a
// shell, because devd does. The receiving end is the real intake socket.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startIntakeSocket } from '../../src/events/intake-socket.js';
import type { SocketServer } from '../../src/control/socket-server.js';
import { FakeServiceApi } from '../fakes/service-api.js';
import { captureLogger } from '../fakes/logger.js';
import { tempSocketDir } from '../support/unix-client.js';
import { waitFor } from '../support/wait.js';
import { skipReason } from '../support/env.js';

const CONF = readFileSync(new URL('../../devd/carp-failover.conf', import.meta.url), 'utf8');
const INSTALLED_SOCKET = '/var/run/carp-failover/intake.sock';

/** The notify block's match expressions and action, as devd's parser reads them. */
function parseRule(conf: string): { matches: Record<string, RegExp>; action: string } {
  const text = conf.replace(/^\s*#.*$/gm, '');
  const matches: Record<string, RegExp> = {};
  for (const m of text.matchAll(/match\s+"([^"]+)"\s+"((?:[^"\\]|\\.)*)"\s*;/g)) matches[m[1]!] = new RegExp(`^(?:${m[2]!})$`);
  const action = /action\s+"((?:[^"\\]|\\.)*)"\s*;/.exec(text);
  if (!action) throw new Error('no action in the rule');
  return { matches, action: action[1]!.replace(/\\"/g, '"') };
}

/** devd's expansion of $name (letters, digits, '_', '-') in the action string. */
function expand(action: string, vars: Record<string, string>): string {
  return action.replace(/\$([A-Za-z0-9_-]+)/g, (_all, name: string) => vars[name] ?? '');
}

function matchesEvent(rule: ReturnType<typeof parseRule>, vars: Record<string, string>): boolean {
  return Object.entries(rule.matches).every(([name, re]) => re.test(vars[name] ?? ''));
}

const rule = parseRule(CONF);

const ncMissing = existsSync('/usr/bin/nc') ? null : 'OpenBSD netcat (/usr/bin/nc) not installed; run scripts/setup.sh as root';

describe.skipIf(skipReason('devd action', ncMissing) !== null)('devd/carp-failover.conf', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let intake: SocketServer | undefined;
  let api: FakeServiceApi;

  beforeEach(async () => {
    ({ dir, cleanup } = await tempSocketDir());
    api = new FakeServiceApi();
  });
  afterEach(async () => {
    await intake?.close();
    intake = undefined;
    await cleanup();
  });

  function runAction(vars: Record<string, string>, socket: string, background = true): { ms: number; status: number | null } {
    let action = expand(rule.action, vars).replace(INSTALLED_SOCKET, socket);
    if (!background) action = action.replace(/\s*&\s*$/, '');
    const started = performance.now();
    const result = spawnSync('/bin/sh', ['-c', action], { stdio: 'ignore', timeout: 10_000 });
    return { ms: performance.now() - started, status: result.status };
  }

  it('matches CARP MASTER/BACKUP/INIT for vhid@iface and nothing else', () => {
    expect(rule.matches.system!.test('CARP')).toBe(true);
    for (const type of ['MASTER', 'BACKUP', 'INIT']) expect(matchesEvent(rule, { system: 'CARP', subsystem: '1@vmx0', type })).toBe(true);
    expect(matchesEvent(rule, { system: 'CARP', subsystem: '12@lagg0.100', type: 'MASTER' })).toBe(true);
    expect(matchesEvent(rule, { system: 'IFNET', subsystem: 'vmx0', type: 'LINK_UP' })).toBe(false);
    expect(matchesEvent(rule, { system: 'CARP', subsystem: '1@vmx0', type: 'MASTERX' })).toBe(false);
  });

  it.each(["1@vmx0;reboot", "1@vmx0' ; touch /tmp/x ; '", '1@$(id)', '1@`id`', '1@vmx0 type=MASTER', '@vmx0', '1@', '1@vmx0\nx', "1@vmx0'"])(
    'a hostile subsystem %j never reaches the action',
    (subsystem) => {
      expect(matchesEvent(rule, { system: 'CARP', subsystem, type: 'MASTER' })).toBe(false);
    },
  );

  it('delivers the event line to the real intake socket', async () => {
    const path = join(dir, 'intake.sock');
    intake = await startIntakeSocket({ path, mode: 0o600, maxClients: 8, idleTimeoutMs: 2000, followed: () => [{ vhid: 1, interface: 'vmx0' }], api, log: captureLogger('silent').log });
    const run = runAction({ system: 'CARP', subsystem: '1@vmx0', type: 'MASTER' }, path);
    expect(run.status).toBe(0);
    expect(run.ms).toBeLessThan(1000);
    await waitFor('the devd event', () => api.events.length === 1, 5000, 5);
    expect(api.events[0]).toMatchObject({ system: 'CARP', subsystem: '1@vmx0', type: 'MASTER', vhid: 1, interface: 'vmx0' });
  });

  it('sends exactly devd\'s line format', async () => {
    const path = join(dir, 'raw.sock');
    const lines: string[] = [];
    const server: Server = createServer((socket) => socket.on('data', (d) => lines.push(...d.toString('utf8').split('\n').filter(Boolean))));
    await new Promise<void>((resolve) => server.listen(path, resolve));
    try {
      runAction({ system: 'CARP', subsystem: '3@vtnet1', type: 'BACKUP' }, path, false);
      await waitFor('one line', () => lines.length === 1, 5000, 5);
      expect(lines).toEqual(['!system=CARP subsystem=3@vtnet1 type=BACKUP']);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('returns at once when the service is down (no socket), and nc itself fails fast', () => {
    const missing = join(dir, 'nobody-here.sock');
    const background = runAction({ system: 'CARP', subsystem: '1@vmx0', type: 'INIT' }, missing);
    expect(background.status).toBe(0);
    expect(background.ms).toBeLessThan(1000);
    const foreground = runAction({ system: 'CARP', subsystem: '1@vmx0', type: 'INIT' }, missing, false);
    expect(foreground.ms).toBeLessThan(1000);
  });

  it('does not hang devd when the service accepts but never reads (nc gives up after -w)', async () => {
    const path = join(dir, 'stuck.sock');
    const held: import('node:net').Socket[] = [];
    const server: Server = createServer((socket) => {
      socket.pause();
      held.push(socket);
    });
    await new Promise<void>((resolve) => server.listen(path, resolve));
    try {
      const background = runAction({ system: 'CARP', subsystem: '1@vmx0', type: 'MASTER' }, path);
      expect(background.ms).toBeLessThan(1000);
      // Run in the foreground only to prove the bound: -w 2 ends it.
      const started = performance.now();
      execFileSync('/bin/sh', ['-c', expand(rule.action, { subsystem: '1@vmx0', type: 'MASTER' }).replace(INSTALLED_SOCKET, path).replace(/\s*&\s*$/, '')], { stdio: 'ignore', timeout: 10_000 });
      expect(performance.now() - started).toBeLessThan(5000);
    } finally {
      for (const socket of held) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
