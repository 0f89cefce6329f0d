import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadOvhCredentials, parseOvhCredentials } from '../../src/ovh/credentials.js';
import { OVH_ENDPOINTS, resolveEndpoint } from '../../src/ovh/endpoints.js';

const PATH = '/usr/local/etc/carp-failover/ovh.conf';

describe('parseOvhCredentials (the OVH SDKs’ ovh.conf)', () => {
  it('reads legacy keys from the section the [default] endpoint names', () => {
    const creds = parseOvhCredentials('[default]\nendpoint=ovh-ca\n\n[ovh-ca]\napplication_key=AK\napplication_secret=AS-secret-01\nconsumer_key=CK-secret-01\n', PATH);
    expect(creds).toMatchObject({ kind: 'legacy', endpoint: 'ovh-ca', applicationKey: 'AK' });
    expect(creds.kind === 'legacy' && creds.applicationSecret.reveal()).toBe('AS-secret-01');
    expect(creds.kind === 'legacy' && creds.consumerKey.reveal()).toBe('CK-secret-01');
  });

  it('reads OAuth2 client credentials; defaults to ovh-eu without [default]', () => {
    const creds = parseOvhCredentials('; comment\n[ovh-eu]\nclient_id=EU.123\nclient_secret=S-secret-01\n', PATH);
    expect(creds).toMatchObject({ kind: 'oauth2', endpoint: 'ovh-eu', clientId: 'EU.123' });
  });

  it.each([
    ['[default]\nendpoint=kimsufi-eu\n[kimsufi-eu]\napplication_key=a', /names endpoint "kimsufi-eu".*supported: ovh-eu, ovh-ca, ovh-us/],
    ['[default]\nendpoint=ovh-us\n[ovh-eu]\napplication_key=a', /has no \[ovh-us\] section/],
    ['[ovh-eu]\napplication_key=a\napplication_secret=b\n', /\[ovh-eu\] is incomplete: missing consumer_key/],
    ['[ovh-eu]\nclient_id=a\n', /missing client_secret/],
    ['', /has no \[ovh-eu\] section/],
    ['[ovh-eu]\nclient_id=a\nclient_secret=1234567\n', /\[ovh-eu\] client_secret is 7 characters long; OVH's are 32 \(at least 8 accepted\)/],
    ['[ovh-eu]\napplication_key=a\napplication_secret=12345678\nconsumer_key=ck\n', /consumer_key is 2 characters long/],
  ])('refuses %j clearly', (text, message) => {
    expect(() => parseOvhCredentials(text, PATH)).toThrow(message);
    try {
      parseOvhCredentials(text, PATH);
    } catch (error) {
      expect(error).toMatchObject({ code: 'CONFIG_INVALID', details: { path: PATH } });
    }
  });
});

describe('loadOvhCredentials (owner and mode)', () => {
  let dir: string;
  let file: string;
  const asRoot = { ownerOk: () => true };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cf-ovh-creds-'));
    file = join(dir, 'ovh.conf');
    writeFileSync(file, '[ovh-eu]\napplication_key=AK\napplication_secret=AS-secret-01\nconsumer_key=CK-secret-01\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it.each([0o600, 0o400])('accepts mode %o when root owns it', async (mode) => {
    chmodSync(file, mode);
    await expect(loadOvhCredentials(file, asRoot)).resolves.toMatchObject({ kind: 'legacy' });
  });

  it.each([0o644, 0o640, 0o660, 0o604, 0o700])('refuses mode %o (SECRETS_UNSAFE) naming the file and the fix', async (mode) => {
    chmodSync(file, mode);
    await expect(loadOvhCredentials(file, asRoot)).rejects.toMatchObject({ code: 'SECRETS_UNSAFE', message: expect.stringContaining(`${file} has mode 0${mode.toString(8)}`) });
  });

  it('refuses a file root does not own', async () => {
    chmodSync(file, 0o600);
    await expect(loadOvhCredentials(file, { ownerOk: () => false })).rejects.toMatchObject({ code: 'SECRETS_UNSAFE', message: expect.stringMatching(/owned by uid \d+, not root/) });
  });

  it('a missing file is CONFIG_UNREADABLE', async () => {
    await expect(loadOvhCredentials(join(dir, 'nope.conf'), asRoot)).rejects.toMatchObject({ code: 'CONFIG_UNREADABLE', message: expect.stringContaining('does not exist') });
  });
});

describe('endpoints', () => {
  it('has the three regions and lets base_url (the mock) replace the base and the token origin', () => {
    expect(Object.keys(OVH_ENDPOINTS)).toEqual(['ovh-eu', 'ovh-ca', 'ovh-us']);
    expect(resolveEndpoint('ovh-eu', null)).toEqual({ baseUrl: 'https://eu.api.ovh.com/1.0', tokenUrl: 'https://www.ovh.com/auth/oauth2/token' });
    expect(resolveEndpoint('ovh-us', 'http://127.0.0.1:4000/1.0/')).toEqual({ baseUrl: 'http://127.0.0.1:4000/1.0', tokenUrl: 'http://127.0.0.1:4000/auth/oauth2/token' });
  });
});
