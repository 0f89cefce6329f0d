import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeOvhCommands } from '../../../src/cli/commands/ovh.js';
import { runCli } from '../../../src/cli/main.js';
import { CARRIER, HYPERVISOR, IP, KEYS, moveWorld, SERVER_A, SERVER_B, SHARED_VMAC, sharedVmacWorld, vmacWorld, VMAC_A, VMAC_B } from '../../ovh-mock/fixtures.js';
import { startOvhMock, type OvhMock } from '../../ovh-mock/server.js';
import type { MockStateInit } from '../../ovh-mock/state.js';

let dir: string;
let mock: OvhMock;
const commands = makeOvhCommands({ credentialsFile: { ownerOk: () => true }, pollMs: 10 });

async function setup(state: MockStateInit, ip: Record<string, unknown>): Promise<string> {
  mock = await startOvhMock({ state });
  const creds = join(dir, 'ovh.conf');
  writeFileSync(creds, `[default]\nendpoint=ovh-eu\n\n[ovh-eu]\napplication_key=${KEYS.a.applicationKey}\napplication_secret=${KEYS.a.applicationSecret}\nconsumer_key=${KEYS.a.consumerKey}\n`);
  chmodSync(creds, 0o600);
  const config = join(dir, 'carp-failover.yaml');
  writeFileSync(config, `node: router-a\ncarp:\n  vhids: [{ vhid: 1, interface: vmx0 }]\novh:\n  credentials: ${creds}\n  base_url: ${mock.url}\n  ips:\n    - ${JSON.stringify(ip)}\n`);
  return config;
}

async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const status = await runCli(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), isTTY: false }, {}, commands);
  return { status, stdout, stderr };
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cf-ovh-cli-'));
});
afterEach(async () => {
  await mock?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('carp-failover ovh', () => {
  it('check: clock, credential, access rules and where each IP points', async () => {
    const config = await setup(moveWorld(SERVER_B), { ip: IP, strategy: 'move', service: SERVER_A });
    const r = await cli('ovh', 'check', '-c', config);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/ok +time delta: -?\d+ s/);
    expect(r.stdout).toMatch(/ok +credential valid: validated, no expiry, 4 access rules/);
    expect(r.stdout).toMatch(/ok +access POST \/ip\/192\.0\.2\.10%2F32\/move/);
    expect(r.stdout).toContain(`${IP} (move): points at ${SERVER_B}`);
    expect(r.stdout + r.stderr).not.toContain(KEYS.a.applicationSecret);
  });

  it('check fails (exit 1) naming the access rule to add', async () => {
    const config = await setup(moveWorld(SERVER_B), { ip: IP, strategy: 'move', service: SERVER_A });
    mock.state.legacy.get(KEYS.a.consumerKey)!.rules = [{ method: 'GET', path: '/ip/*' }];
    const r = await cli('ovh', 'check', '-c', config);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('FAIL  access POST /ip/192.0.2.10%2F32/move: not granted: add the access rule POST /ip/*/move');
  });

  it('check reports a missing vMAC; --json gives the findings', async () => {
    const config = await setup(vmacWorld(null), { ip: IP, strategy: 'vmac', service: HYPERVISOR, vmac: '02:00:00:ee:ee:ee', vm_name: 'router-a' });
    const r = await cli('ovh', 'check', '--json', '-c', config);
    expect(r.status).toBe(1);
    const out = JSON.parse(r.stdout) as { ok: boolean; findings: Array<{ check: string; ok: boolean; detail: string }> };
    expect(out.ok).toBe(false);
    expect(out.findings.find((f) => f.check.startsWith(IP))).toMatchObject({ ok: false, detail: expect.stringContaining('does not exist') });
  });

  it('status: where each IP points and pending tasks', async () => {
    const config = await setup(vmacWorld(VMAC_A), { ip: IP, strategy: 'vmac', service: HYPERVISOR, vmac: VMAC_A, vm_name: 'router-a' });
    const r = await cli('ovh', 'status', '-c', config);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${IP}  vmac  -> ${VMAC_A} (here)\n`);
  });

  it('vmac create: starts the task, waits, prints the generated MAC', async () => {
    const config = await setup(vmacWorld(null), { ip: IP, strategy: 'vmac', service: HYPERVISOR, vmac: VMAC_A, vm_name: 'router-a' });
    mock.state.ips.set('192.0.2.30/32', { routedTo: HYPERVISOR });
    const r = await cli('ovh', 'vmac', 'create', '--ip', '192.0.2.30', '--type', 'vmware', '-c', config);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/virtual MAC: 00:50:56:[0-9a-f:]{8}\n/);
    expect(mock.writes().map((w) => `${w.method} ${w.route}`)).toEqual(['POST /dedicated/server/{serviceName}/virtualMac']);
  });

  it('vmac create refuses a bad --ip (usage) and reports a refused task', async () => {
    const config = await setup(vmacWorld(null), { ip: IP, strategy: 'vmac', service: HYPERVISOR, vmac: VMAC_A, vm_name: 'router-a' });
    expect((await cli('ovh', 'vmac', 'create', '--ip', 'nope', '-c', config)).status).toBe(64);
    const r = await cli('ovh', 'vmac', 'create', '--ip', '192.0.2.99', '-c', config);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/answered 400 Client::BadRequest: 192\.0\.2\.99 is not routed to/);
  });

  describe('shared-vmac', () => {
    const shared = { ip: IP, strategy: 'shared-vmac', service: HYPERVISOR, vmac: '02:00:00:ee:ee:ee', interface: CARRIER, vm_name: 'routers' };

    it('vmac create --shared: a new vMAC whose only IP is the failover IP, named from the config', async () => {
      const config = await setup(sharedVmacWorld(null), shared);
      const r = await cli('ovh', 'vmac', 'create', '--shared', '-c', config);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const mac = /virtual MAC: (02:00:00:[0-9a-f:]{8})\n/.exec(r.stdout)?.[1];
      expect(mac).toBeDefined();
      expect(r.stdout).toContain(`vmac: "${mac}"`);
      expect(r.stdout).toMatch(/Do not give this MAC to a VM's NIC/);
      const post = mock.writes();
      expect(post.map((w) => `${w.method} ${w.route}`)).toEqual(['POST /dedicated/server/{serviceName}/virtualMac']);
      expect(post[0]!.requestBody).toEqual({ ipAddress: '192.0.2.10', type: 'ovh', virtualMachineName: 'routers' });
      const snapshot = mock.state.snapshot() as { servers: Record<string, { vmacs: Record<string, { ips: Record<string, string> }> }> };
      expect(Object.keys(snapshot.servers[HYPERVISOR]!.vmacs[mac!]!.ips)).toEqual(['192.0.2.10']);
    });

    it('vmac create --shared when the IP already sits alone on a vMAC: names it, creates nothing', async () => {
      const config = await setup(sharedVmacWorld(SHARED_VMAC), shared);
      const r = await cli('ovh', 'vmac', 'create', '--shared', '-c', config);
      expect(r.status).toBe(0);
      expect(r.stdout).toContain(`192.0.2.10 is already the only IP of vMAC ${SHARED_VMAC}: that is the shared vMAC; nothing created`);
      expect(mock.writes()).toEqual([]);
    });

    it('vmac create --shared refuses when the IP sits on a router\'s own vMAC with other IPs', async () => {
      const config = await setup(sharedVmacWorld(VMAC_B), shared);
      const r = await cli('ovh', 'vmac', 'create', '--shared', '-c', config);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`192.0.2.10 is already bound to vMAC ${VMAC_B}, which also carries 192.0.2.22`);
      expect(mock.writes()).toEqual([]);
    });

    it('vmac create --shared without a shared-vmac entry is a usage error', async () => {
      const config = await setup(vmacWorld(null), { ip: IP, strategy: 'vmac', service: HYPERVISOR, vmac: VMAC_A, vm_name: 'router-a' });
      const r = await cli('ovh', 'vmac', 'create', '--shared', '-c', config);
      expect(r.status).toBe(64);
      expect(r.stderr).toMatch(/--shared needs an ovh\.ips entry with strategy shared-vmac/);
    });

    it('check: bound to the shared vMAC is ok; elsewhere or a vanished vMAC fails, naming the way out', async () => {
      let config = await setup(sharedVmacWorld(SHARED_VMAC), { ...shared, vmac: SHARED_VMAC });
      let r = await cli('ovh', 'check', '-c', config);
      expect(r.status).toBe(0);
      expect(r.stdout).toContain(`${IP} (shared-vmac): points at ${SHARED_VMAC} (here)`);
      await mock.close();
      config = await setup(sharedVmacWorld(VMAC_B, ['192.0.2.11']), { ...shared, vmac: SHARED_VMAC });
      r = await cli('ovh', 'check', '-c', config);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`bound to ${VMAC_B}, not the shared vMAC ${SHARED_VMAC}`);
      await mock.close();
      config = await setup(sharedVmacWorld(VMAC_B), { ...shared, vmac: SHARED_VMAC });
      r = await cli('ovh', 'check', '-c', config);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`our vMAC ${SHARED_VMAC} does not exist on ${HYPERVISOR}; run carp-failover ovh vmac create --shared`);
    });
  });

  it('a world-readable credentials file is refused before any call', async () => {
    const config = await setup(moveWorld(), { ip: IP, strategy: 'move', service: SERVER_A });
    chmodSync(join(dir, 'ovh.conf'), 0o644);
    const r = await cli('ovh', 'status', '-c', config);
    expect(r.status).toBe(77);
    expect(r.stderr).toMatch(/ovh\.conf has mode 0644; it must be 0600 or 0400/);
    expect(mock.requests).toEqual([]);
  });
});
