// `npm run dist` end to end, on one build: copied to a fresh directory outside the repository
// where no node_modules can be found, the bundled launcher runs check-config on the sample, the
// real daemon through a failover with the file-backed FreeBSD stand-ins, and ovh check against
// the OVH mock; the port's pkg-plist (with the rc.d scripts USE_RC_SUBR adds) lists exactly the
// staging tree, and the port's own recipes, run by bmake on the release tarball, install it.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, parse } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDist, BUNDLE_PATH, type DistResult } from '../../scripts/dist.js';
import { IP, KEYS, moveWorld, SERVER_A, SERVER_B } from '../ovh-mock/fixtures.js';
import { startOvhMock, type OvhMock } from '../ovh-mock/server.js';
import { FakeFreeBsd } from '../support/fake-freebsd.js';
import { request, waitFor } from '../support/daemon-process.js';
import { skipReason } from '../support/env.js';
import { readPort, stagedPathsOfPlist } from './port-files.js';

const buildDir = mkdtempSync(join(tmpdir(), 'cf-dist-build-'));
const runDir = mkdtempSync(join(tmpdir(), 'cf-dist-run-'));
const tree = join(runDir, 'usr-local');
const launcher = join(tree, 'bin', 'carp-failover');
// Only the directory of the node running the tests: nothing that could lead to a node_modules.
const env = { PATH: `${dirname(process.execPath)}:/usr/bin:/bin`, HOME: runDir, LANG: 'C' };
let dist: DistResult;

function cli(...args: string[]) {
  return spawnSync(launcher, args, { cwd: runDir, env, encoding: 'utf8', timeout: 30_000 });
}

beforeAll(async () => {
  dist = await buildDist({ outDir: buildDir });
  cpSync(dist.stage, tree, { recursive: true });
}, 120_000);

afterAll(() => {
  rmSync(buildDir, { recursive: true, force: true });
  rmSync(runDir, { recursive: true, force: true });
});

describe('npm run dist', () => {
  it('lays out the tree the port installs, the bundle alone under libexec', () => {
    expect(dist.files).toEqual(
      expect.arrayContaining([
        BUNDLE_PATH,
        'bin/carp-failover',
        'etc/rc.d/carp_failover',
        'etc/rc.d/carp_failover_early',
        'etc/devd/carp-failover.conf',
        'etc/carp-failover.yaml.sample',
        'share/man/man8/carp-failover.8',
        'share/man/man5/carp-failover.yaml.5',
      ]),
    );
    expect(dist.files.filter((f) => f.startsWith('libexec/'))).toEqual([BUNDLE_PATH]);
    expect(dist.files.some((f) => f.includes('node_modules'))).toBe(false);
    expect(statSync(launcher).mode & 0o777).toBe(0o555);
    expect(statSync(join(tree, 'etc/rc.d/carp_failover')).mode & 0o777).toBe(0o555);
    // The rc.d scripts run the bundle where the port puts it.
    const rc = readFileSync(join(tree, 'etc/rc.d/carp_failover'), 'utf8');
    expect(rc).toContain(`carp_failover_home:=/usr/local/${dirname(BUNDLE_PATH)}}`);
    expect(rc).toContain(`carp_failover_cli="\${carp_failover_home}/${parse(BUNDLE_PATH).base}"`);
  });

  it('packs the same tree into the release tarball, owned by root', () => {
    const listing = spawnSync('tar', ['-tvzf', dist.tarball!], { encoding: 'utf8' });
    expect(listing.status).toBe(0);
    const lines = listing.stdout.trim().split('\n').filter((line) => !line.startsWith('d'));
    const base = parse(dist.stage).base;
    expect(lines.map((line) => line.split(/\s+/).pop()!.slice(base.length + 1)).sort()).toEqual(dist.files);
    for (const line of lines) expect(line.split(/\s+/)[1]).toBe('0/0');
  });

  it('ships the licence of every bundled package', () => {
    const notices = readFileSync(join(tree, 'share/carp-failover/THIRD-PARTY-NOTICES'), 'utf8');
    for (const name of ['pino', 'zod', 'yaml', 'undici', 'execa', 'node-cron', 'ini']) {
      expect(notices).toMatch(new RegExp(`^${name} \\d+\\.\\d+\\.\\d+ \\(`, 'm'));
    }
  });

  it('finds no node_modules from the copied bundle up to the root', () => {
    for (let dir = dirname(join(tree, BUNDLE_PATH)); ; dir = dirname(dir)) {
      expect(existsSync(join(dir, 'node_modules')), `${dir}/node_modules`).toBe(false);
      if (dir === dirname(dir)) break;
    }
  });

  it('check-config passes on the sample and fails with exit 78 on a typo', () => {
    const ok = cli('check-config', '-c', join(tree, 'etc/carp-failover.yaml.sample'));
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toContain('configuration ok');
    expect(ok.status).toBe(0);
    const broken = join(runDir, 'broken.yaml');
    writeFileSync(broken, readFileSync(join(tree, 'etc/carp-failover.yaml.sample'), 'utf8').replace('node: router-002', 'nod: router-002'));
    const bad = cli('check-config', '-c', broken);
    expect(bad.status).toBe(78);
    expect(bad.stdout + bad.stderr).toContain('unknown key "nod" (did you mean "node"?)');
  });
});

describe('the bundled daemon through a failover', () => {
  const bsd = new FakeFreeBsd({ carp: { vmx0: { '1': 'BACKUP' } }, gre: { gre0: false }, demotion: 0, preempt: 1, allow: 1 });
  const statusSock = join(runDir, 'run', 'status.sock');
  const intakeSock = join(runDir, 'run', 'intake.sock');
  const configPath = join(runDir, 'carp-failover.yaml');

  afterAll(() => bsd.remove());

  const status = async () => {
    const reply = await request(statusSock, { cmd: 'status' });
    expect(reply.ok).toBe(true);
    return reply.result;
  };
  const devd = (line: string) =>
    new Promise<void>((resolve, reject) => {
      const socket = connect(intakeSock, () => socket.end(`${line}\n`));
      socket.on('close', () => resolve());
      socket.on('error', reject);
    });

  it('follows BACKUP → MASTER → BACKUP, answers the bundled CLI and stops on SIGTERM', async () => {
    writeFileSync(
      configPath,
      `node: router-002
carp:
  vhids:
    - { vhid: 1, interface: vmx0 }
settle: { local_ms: 0, provider_ms: 0 }
reconcile: { period_s: 1 }
sockets:
  intake: { path: ${intakeSock} }
  status: { path: ${statusSock} }
state_dir: ${join(runDir, 'state')}
commands: { ifconfig: ${bsd.ifconfig}, sysctl: ${bsd.sysctl} }
gre:
  tunnels:
    - { interface: gre0 }
`,
    );
    const child = spawn(launcher, ['run', '-c', configPath], { cwd: runDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      // Logged once both sockets and the signal handlers are in place.
      await waitFor('the daemon to be running', () => output.includes('carp-failover running'), 20_000);
      await waitFor('BACKUP with the boot hold-down released', async () => {
        const r = await status();
        return r.role === 'BACKUP' && r.demotion.ours.boot === 0 && r.lastReconcile !== null;
      });
      expect(bsd.read().gre.gre0).toBe(false);

      bsd.setCarp('vmx0', 1, 'MASTER');
      await devd('!system=CARP subsystem=1@vmx0 type=MASTER');
      await waitFor('MASTER with gre0 up', async () => (await status()).role === 'MASTER' && bsd.read().gre.gre0);

      const shown = cli('status', '--json', '-c', configPath);
      expect(shown.status).toBe(0);
      expect(JSON.parse(shown.stdout)).toMatchObject({ node: 'router-002', role: 'MASTER' });

      bsd.setCarp('vmx0', 1, 'BACKUP');
      await devd('!system=CARP subsystem=1@vmx0 type=BACKUP');
      await waitFor('BACKUP with gre0 down', async () => (await status()).role === 'BACKUP' && !bsd.read().gre.gre0);
      const report = await status();
      expect(report.counters.eventsReceived).toBeGreaterThanOrEqual(2);
      expect(report.counters.transitions).toBeGreaterThanOrEqual(3);
      expect(bsd.read().demotion).toBe(0);

      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(existsSync(statusSock)).toBe(false);
    } catch (error) {
      throw new Error(`${String(error)}\n--- daemon output ---\n${output}`);
    } finally {
      child.kill('SIGKILL');
    }
  }, 60_000);
});

describe('the bundled OVH client', () => {
  let mock: OvhMock | null = null;
  afterAll(async () => mock?.close());

  // undici (HTTP, its WebAssembly parser), request signing and the INI credentials reader, bundled.
  it.skipIf(skipReason('bundled ovh check', process.getuid?.() === 0 ? null : 'the credentials file must be root-owned: run as root') !== null)(
    'ovh check passes against the OVH mock and leaks no secret',
    async () => {
      mock = await startOvhMock({ state: moveWorld(SERVER_B) });
      const creds = join(runDir, 'ovh.conf');
      writeFileSync(creds, `[default]\nendpoint=ovh-eu\n\n[ovh-eu]\napplication_key=${KEYS.a.applicationKey}\napplication_secret=${KEYS.a.applicationSecret}\nconsumer_key=${KEYS.a.consumerKey}\n`);
      chmodSync(creds, 0o600);
      const config = join(runDir, 'ovh.yaml');
      writeFileSync(config, `node: router-a\ncarp:\n  vhids: [{ vhid: 1, interface: vmx0 }]\novh:\n  credentials: ${creds}\n  base_url: ${mock.url}\n  ips:\n    - { ip: ${IP}, strategy: move, service: ${SERVER_A} }\n`);
      const result = await new Promise<{ status: number | null; out: string }>((resolve) => {
        const child = spawn(launcher, ['ovh', 'check', '-c', config], { cwd: runDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
        child.on('exit', (status) => resolve({ status, out }));
      });
      expect(result.out).toMatch(/ok +credential valid/);
      expect(result.out).toContain(`${IP} (move): points at ${SERVER_B}`);
      expect(result.out).not.toContain(KEYS.a.applicationSecret);
      expect(result.status).toBe(0);
    },
    30_000,
  );
});

describe('the FreeBSD port', () => {
  const portDir = fileURLToPath(new URL('../../packaging/freebsd/net/carp-failover/', import.meta.url));
  const port = readPort(portDir);

  it('pkg-plist and the rc.d scripts of USE_RC_SUBR list exactly the staging tree', () => {
    const fromPort = [...stagedPathsOfPlist(port.plist), ...port.useRcSubr.map((rc) => `etc/rc.d/${rc}`)].sort();
    expect(fromPort).toEqual(dist.files);
  });
});

const bmakeMissing = existsSync('/usr/bin/bmake') ? null : 'bmake not installed; run scripts/setup.sh as root';

// The port's own recipes (post-extract, do-install, option targets) run by a BSD make against the
// release tarball, with a stand-in for the framework parts they rely on (ports-stub/bsd.port.mk).
describe.skipIf(skipReason('port recipes under bmake', bmakeMissing) !== null)('the FreeBSD port, staged with bmake', () => {
  const portDir = fileURLToPath(new URL('../../packaging/freebsd/net/carp-failover/', import.meta.url));
  const stub = fileURLToPath(new URL('./ports-stub/', import.meta.url));
  const port = readPort(portDir);

  function stage(prefix: string): string {
    const work = mkdtempSync(join(tmpdir(), 'cf-port-'));
    const args = ['-m', stub, '-C', portDir, `DISTDIR=${dirname(dist.tarball!)}`, `WRKDIR=${work}/work`, `STAGEDIR=${work}/stage`, `PREFIX=${prefix}`, 'LOCALBASE=/usr/local', 'stage'];
    const result = spawnSync('/usr/bin/bmake', args, { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`bmake ${args.join(' ')}: ${result.stderr}`);
    return `${work}/stage${prefix}`;
  }

  it('installs exactly what pkg-plist and USE_RC_SUBR declare, the rc.d scripts as in rc.d/', () => {
    const staged = stage('/usr/local');
    try {
      const installed = spawnSync('find', ['.', '-type', 'f'], { cwd: staged, encoding: 'utf8' }).stdout.trim().split('\n').map((f) => f.slice(2)).sort();
      expect(installed).toEqual([...stagedPathsOfPlist(port.plist), ...port.useRcSubr.map((rc) => `etc/rc.d/${rc}`)].sort());
      for (const rc of port.useRcSubr) {
        expect(readFileSync(join(staged, 'etc/rc.d', rc), 'utf8')).toBe(readFileSync(fileURLToPath(new URL(`../../rc.d/${rc}`, import.meta.url)), 'utf8'));
        expect(statSync(join(staged, 'etc/rc.d', rc)).mode & 0o777).toBe(0o555);
      }
      expect(statSync(join(staged, 'bin/carp-failover')).mode & 0o777).toBe(0o555);
      const ok = spawnSync(join(staged, 'bin/carp-failover'), ['check-config', '-c', join(staged, 'etc/carp-failover.yaml.sample')], { env, encoding: 'utf8' });
      expect(ok.stdout).toContain('configuration ok');
      expect(ok.status).toBe(0);
    } finally {
      rmSync(dirname(dirname(dirname(staged))), { recursive: true, force: true });
    }
  });

  it('follows a PREFIX other than LOCALBASE: the service under PREFIX, node from LOCALBASE', () => {
    const staged = stage('/opt/cf');
    try {
      const rc = readFileSync(join(staged, 'etc/rc.d/carp_failover'), 'utf8');
      expect(rc).toContain(': "${carp_failover_home:=/opt/cf/libexec/carp-failover}"');
      expect(rc).toContain(': "${carp_failover_config:=/opt/cf/etc/carp-failover.yaml}"');
      expect(rc).toContain(': "${carp_failover_node:=/usr/local/bin/node}"');
      expect(readFileSync(join(staged, 'etc/rc.d/carp_failover_early'), 'utf8')).toContain(': "${carp_failover_home:=/opt/cf/libexec/carp-failover}"');
    } finally {
      rmSync(dirname(dirname(dirname(staged))), { recursive: true, force: true });
    }
  });
});
