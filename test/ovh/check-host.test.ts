import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkOvhSecrets } from '../../src/ovh/check-host.js';
import { routerConfig } from '../ovh-mock/fixtures.js';

describe('checkOvhSecrets', () => {
  let dir: string;
  let file: string;
  const config = () => {
    const c = routerConfig('a', 'move', 'http://127.0.0.1:1/1.0');
    return { ...c, ovh: { ...c.ovh, credentials: file } };
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cf-ovh-check-'));
    file = join(dir, 'ovh.conf');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('nothing to check without failover IPs', async () => {
    const c = config();
    expect(await checkOvhSecrets({ ...c, ovh: { ...c.ovh, ips: [] } })).toEqual([]);
  });

  it('ok for a root-owned 0600 file with a complete set', async () => {
    writeFileSync(file, '[ovh-eu]\nclient_id=a\nclient_secret=b-secret-01\n');
    chmodSync(file, 0o600);
    expect(await checkOvhSecrets(config(), { ownerOk: () => true })).toEqual([{ name: `OVH credentials ${file}`, ok: true, level: 'error', message: 'root-owned, private, OAuth2 client id/secret for ovh-eu' }]);
  });

  it.each([
    ['missing', null, 0o600, true, /does not exist/],
    ['world-readable', '[ovh-eu]\nclient_id=a\nclient_secret=b-secret-01\n', 0o644, true, /mode 0644; it must be 0600 or 0400/],
    ['not root-owned', '[ovh-eu]\nclient_id=a\nclient_secret=b-secret-01\n', 0o600, false, /not root/],
    ['incomplete', '[ovh-eu]\napplication_key=a\n', 0o400, true, /missing application_secret, consumer_key/],
  ] as const)('an error when %s', async (_name, text, mode, root, message) => {
    if (text !== null) {
      writeFileSync(file, text);
      chmodSync(file, mode);
    }
    const [finding] = await checkOvhSecrets(config(), { ownerOk: () => root });
    expect(finding).toMatchObject({ ok: false, level: 'error', message: expect.stringMatching(message) });
  });
});
