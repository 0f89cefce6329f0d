// `carp-failover boot-hold` (rc.d/carp_failover_early) as the real process, against file-backed
// FreeBSD stand-ins whose sysctl adds on write like ip_carp.c: the hold applied before the
// network, then the service taking it over without a second write, and boot-hold refusing to
// touch anything once the service runs.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FakeFreeBsd } from '../../support/fake-freebsd.js';
import { cliArgv, request, startDaemon, waitFor, type DaemonProcess } from '../../support/daemon-process.js';

const dir = mkdtempSync(join(tmpdir(), 'cf-boot-hold-'));
const bsd = new FakeFreeBsd({ carp: { vmx0: { '1': 'BACKUP' } }, gre: { gre0: false }, demotion: 0, preempt: 1, allow: 1 });
const stateDir = join(dir, 'state');
const statusSock = join(dir, 'run', 'status.sock');
const configPath = join(dir, 'carp-failover.yaml');
writeFileSync(
  configPath,
  `node: router-002
carp:
  vhids:
    - { vhid: 1, interface: vmx0 }
settle: { local_ms: 0, provider_ms: 0 }
sockets:
  intake: { path: ${join(dir, 'run', 'intake.sock')} }
  status: { path: ${statusSock} }
state_dir: ${stateDir}
commands: { ifconfig: ${bsd.ifconfig}, sysctl: ${bsd.sysctl} }
gre:
  tunnels:
    - { interface: gre0 }
`,
);
let daemon: DaemonProcess | null = null;

function bootHold(): { status: number | null; stdout: string; stderr: string } {
  const [file, ...args] = cliArgv('boot-hold', '-c', configPath);
  return spawnSync(file!, args, { encoding: 'utf8', timeout: 30_000 });
}

afterAll(async () => {
  daemon?.child.kill('SIGKILL');
  await daemon?.exited;
  rmSync(dir, { recursive: true, force: true });
  bsd.remove();
});

describe('carp-failover boot-hold', () => {
  it('before the service, on a drained router: raises boot and maintenance demotion', () => {
    mkdirSync(stateDir, { recursive: true });
    writeFileSync(join(stateDir, 'drain'), '{}');
    const result = bootHold();
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('boot-hold: demotion boot 240, maintenance 240 (drain flag set); net.inet.carp.demotion is now 480\n');
    expect(bsd.read()).toMatchObject({ demotion: 480, writes: [240, 240] });
  });

  it('the service starting after it takes both over: no second write, boot released once converged', async () => {
    daemon = startDaemon(configPath);
    await waitFor('the status socket', () => existsSync(statusSock), 20_000);
    await waitFor('the boot hold-down released', () => (bsd.read().writes ?? []).length >= 3, 20_000);
    expect(bsd.read()).toMatchObject({ demotion: 240, writes: [240, 240, -240] });
    const report = await waitFor('status showing the demotion that is ours', async () => {
      const reply = await request(statusSock, { cmd: 'status' });
      return reply.ok && reply.result.demotion.total === 240 ? reply.result : null;
    }, 20_000);
    expect(report.demotion.ours).toMatchObject({ boot: 0, maintenance: 240 });
    expect(daemon.output()).toMatch(/taking over the demotion boot-hold applied before the network came up/);
  }, 40_000);

  it('once the service runs in this boot, changes nothing', () => {
    const result = bootHold();
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/the service already ran in this boot; nothing changed/);
    expect(bsd.read()).toMatchObject({ demotion: 240, writes: [240, 240, -240] });
  });

  it('fails with a clear error when CARP is not loaded (no net.inet.carp.demotion)', () => {
    rmSync(join(stateDir, 'demotion.json'));
    const broken = join(dir, 'no-carp.yaml');
    const noCarp = join(dir, 'sysctl-no-carp');
    // A sysctl(8) of a kernel without carp.ko: kern.boottime answers, net.inet.carp.* do not.
    const script = [
      '#!/usr/bin/env node',
      "const name = process.argv[process.argv.length - 1].split('=')[0];",
      "if (name === 'kern.boottime') { console.log('{ sec = 1764057600, usec = 0 } Tue Nov 25 08:00:00 2025'); process.exit(0); }",
      "process.stderr.write(`sysctl: unknown oid '${name}'\\n`);",
      'process.exit(1);',
    ];
    writeFileSync(noCarp, `${script.join('\n')}\n`, { mode: 0o755 });
    writeFileSync(broken, `node: router-002\ncarp:\n  vhids:\n    - { vhid: 1, interface: vmx0 }\nstate_dir: ${join(dir, 'state2')}\ncommands: { ifconfig: ${bsd.ifconfig}, sysctl: ${noCarp} }\n`);
    const [file, ...args] = cliArgv('boot-hold', '-c', broken);
    const result = spawnSync(file!, args, { encoding: 'utf8', timeout: 30_000 });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/net\.inet\.carp\.demotion/);
    expect(result.stdout).toBe('');
  });
});
