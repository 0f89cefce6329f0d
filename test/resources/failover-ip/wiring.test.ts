import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildOvhResources } from '../../../src/resources/failover-ip/index.js';
import { FakeClock } from '../../fakes/clock.js';
import { captureLogger } from '../../fakes/logger.js';
import { routerConfig } from '../../ovh-mock/fixtures.js';

describe('buildOvhResources', () => {
  it('needs no credentials without failover IPs', async () => {
    const config = routerConfig('a', 'move', 'http://127.0.0.1:1/1.0');
    const wiring = await buildOvhResources({ ...config, ovh: { ...config.ovh, ips: [] } }, { clock: new FakeClock(), log: captureLogger().log });
    expect(wiring).toEqual({ client: null, resources: [] });
  });

  it('builds one resource per IP on one client, refusing an unsafe file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cf-ovh-wiring-'));
    try {
      const file = join(dir, 'ovh.conf');
      writeFileSync(file, '[ovh-eu]\nclient_id=a\nclient_secret=b-secret-01\n');
      chmodSync(file, 0o600);
      const base = routerConfig('a', 'move', 'http://127.0.0.1:1/1.0');
      const config = { ...base, ovh: { ...base.ovh, credentials: file } };
      const deps = { clock: new FakeClock(), log: captureLogger().log, credentialsFile: { ownerOk: () => true } };
      const wiring = await buildOvhResources(config, deps);
      expect(wiring.resources.map((r) => [r.id, r.kind])).toEqual([['ovh:192.0.2.10/32', 'ovh']]);
      expect(wiring.client?.baseUrl).toBe('http://127.0.0.1:1/1.0');
      chmodSync(file, 0o640);
      await expect(buildOvhResources(config, deps)).rejects.toMatchObject({ code: 'SECRETS_UNSAFE' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
