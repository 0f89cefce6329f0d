// check-config --host, OVH side of shared-vmac, against the OVH mock: the shared vMAC listed on
// the server and holding the failover IP; each way it can be wrong named, read-only throughout.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkSharedVmacAtOvh } from '../../src/ovh/check-vmac.js';
import { IP, KEYS, routerConfig, SHARED_VMAC, sharedVmacWorld, VMAC_B } from '../ovh-mock/fixtures.js';
import { startOvhMock, type OvhMock } from '../ovh-mock/server.js';

let dir: string;
let mock: OvhMock | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cf-ovh-vmac-check-'));
});
afterEach(async () => {
  await mock?.close();
  mock = undefined;
  rmSync(dir, { recursive: true, force: true });
});

async function check(boundTo: string | null, sharedAlso: string[] = []) {
  mock = await startOvhMock({ state: sharedVmacWorld(boundTo, sharedAlso) });
  const file = join(dir, 'ovh.conf');
  writeFileSync(file, `[default]\nendpoint=ovh-eu\n\n[ovh-eu]\napplication_key=${KEYS.a.applicationKey}\napplication_secret=${KEYS.a.applicationSecret}\nconsumer_key=${KEYS.a.consumerKey}\n`);
  chmodSync(file, 0o600);
  const base = routerConfig('a', 'shared-vmac', mock.url);
  return checkSharedVmacAtOvh({ ...base, ovh: { ...base.ovh, credentials: file } }, { credentialsFile: { ownerOk: () => true } });
}

describe('checkSharedVmacAtOvh', () => {
  it('ok: the shared vMAC exists and holds the IP', async () => {
    expect(await check(SHARED_VMAC)).toEqual([{ name: `shared vMAC ${SHARED_VMAC} at OVH`, ok: true, level: 'error', message: 'on ns3000000.ip-198-51-100.eu, holds 192.0.2.10' }]);
    expect(mock!.writes()).toEqual([]);
  });

  it('the vMAC does not exist: names the command that creates it', async () => {
    const [finding] = await check(VMAC_B);
    expect(finding).toMatchObject({ ok: false, level: 'error' });
    expect(finding!.message).toMatch(/not a vMAC of .* \(it has 02:00:00:bb:00:02\): run carp-failover ovh vmac create --shared/);
  });

  it('the vMAC exists without the IP', async () => {
    const [finding] = await check(VMAC_B, ['192.0.2.11']);
    expect(finding!.ok).toBe(false);
    expect(finding!.message).toContain(`does not hold ${IP.replace('/32', '')} (holds 192.0.2.11)`);
  });

  it('OVH failing: an error finding, not a crash', async () => {
    mock = await startOvhMock({ state: sharedVmacWorld(SHARED_VMAC) });
    mock.faults.add({ kind: 'status', status: 500, times: Infinity });
    const file = join(dir, 'ovh.conf');
    writeFileSync(file, `[ovh-eu]\napplication_key=${KEYS.a.applicationKey}\napplication_secret=${KEYS.a.applicationSecret}\nconsumer_key=${KEYS.a.consumerKey}\n`);
    chmodSync(file, 0o600);
    const base = routerConfig('a', 'shared-vmac', mock.url, { timeout_ms: 1000 });
    const [finding] = await checkSharedVmacAtOvh({ ...base, ovh: { ...base.ovh, credentials: file } }, { credentialsFile: { ownerOk: () => true } });
    expect(finding).toMatchObject({ ok: false, level: 'error' });
    expect(finding!.message).toMatch(/^cannot read from OVH: /);
  });

  it('unusable credentials: one finding saying it was not checked', async () => {
    const base = routerConfig('a', 'shared-vmac', 'http://127.0.0.1:1/1.0');
    const findings = await checkSharedVmacAtOvh({ ...base, ovh: { ...base.ovh, credentials: join(dir, 'missing.conf') } });
    expect(findings).toEqual([expect.objectContaining({ ok: false, message: expect.stringMatching(/^not checked: .*does not exist/) })]);
  });

  it('nothing without a shared-vmac entry', async () => {
    expect(await checkSharedVmacAtOvh(routerConfig('a', 'move', 'http://127.0.0.1:1/1.0'))).toEqual([]);
  });
});
