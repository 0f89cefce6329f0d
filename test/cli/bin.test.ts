// The `carp-failover` bin as a real process (node + tsx on the sources): exit statuses and
// output exactly as an operator or rc.d sees them.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ok, startFakeService, type FakeService } from './fake-service.js';
import { sampleStatus } from '../fakes/status-report.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'cf-cli-bin-'));
let service: FakeService | null = null;
afterEach(async () => {
  await service?.close();
  service = null;
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs the bin; async so that the fake service in this process can answer meanwhile. */
function bin(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/bin.ts', ...args],
      { cwd: repo, env: { PATH: process.env.PATH, ...env }, timeout: 30_000 },
      (error, stdout, stderr) => {
        const status = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ status, stdout, stderr });
      },
    );
  });
}

describe('carp-failover bin', () => {
  it('check-config: a typo, a wrong type and a missing field are all printed with lines and key paths; exit 78', async () => {
    const path = join(scratch, 'broken.yaml');
    writeFileSync(path, ['nod: router-002', 'carp:', '  vhids:', '    - vhid: 1', '      interface: vmx0', 'settle:', '  local_ms: soon', ''].join('\n'));
    const out = await bin(['check-config', '-c', path]);
    expect(out.status).toBe(78);
    expect(out.stderr.split('\n')).toEqual([
      `${path}:1: node: required, but missing (expected a string)`,
      `${path}:1: nod: unknown key "nod" (did you mean "node"?)`,
      `${path}:7: settle.local_ms: expected a number, got "soon"`,
      `configuration NOT ok: ${path}`,
      '',
    ]);
    expect(out.stdout).toBe('');
  });

  it('check-config: the documented example exits 0', async () => {
    const example = join(repo, 'docs/examples/carp-failover.yaml');
    const out = await bin(['check-config', '-c', example]);
    expect(out).toEqual({ status: 0, stdout: `configuration ok: ${example}\n`, stderr: '' });
  });

  it('check-config: hostile interface names are refused with their key path', async () => {
    const path = join(scratch, 'hostile.yaml');
    writeFileSync(path, `node: r\ncarp:\n  vhids:\n    - {vhid: 1, interface: "em0;reboot"}\n    - {vhid: 2, interface: "../x"}\n    - {vhid: 3, interface: "${'a'.repeat(200)}"}\n`);
    const out = await bin(['check-config', '-c', path]);
    expect(out.status).toBe(78);
    expect(out.stderr).toContain(`${path}:4: carp.vhids[0].interface: must be a FreeBSD interface name`);
    expect(out.stderr).toContain(`${path}:5: carp.vhids[1].interface: must be a FreeBSD interface name`);
    expect(out.stderr).toContain(`${path}:6: carp.vhids[2].interface: must be a FreeBSD interface name`);
  });

  it('exits 64 on an unknown command, naming the valid ones', async () => {
    const out = await bin(['frobnicate']);
    expect(out.status).toBe(64);
    expect(out.stderr).toMatch(/^carp-failover: unknown command "frobnicate", valid: run, status, history, check-config, reconcile/);
  });

  it('prints --help on stdout and exits 0', async () => {
    const out = await bin(['--help']);
    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(/^usage: carp-failover \[-c FILE\] <command> \[options\]/);
  });

  it('exits 69 when the service is not running', async () => {
    const path = join(scratch, 'down.yaml');
    const socket = join(scratch, 'down.sock');
    writeFileSync(path, `node: r\ncarp: {vhids: [{vhid: 1, interface: vmx0}]}\nsockets: {status: {path: ${socket}}}\n`);
    const out = await bin(['status'], { CARP_FAILOVER_CONFIG: path });
    expect(out.status).toBe(69);
    expect(out.stderr).toBe(`carp-failover is not running (no answer on ${socket})\n`);
  });

  it('status --json prints JSON that parses, from a real socket', async () => {
    service = await startFakeService((seen) => ok(seen, sampleStatus()));
    const out = await bin(['-c', service.configPath, 'status', '--json']);
    expect(out.status).toBe(0);
    expect(JSON.parse(out.stdout)).toEqual(sampleStatus());
  });
});
