import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ovhJson, signatureUrl, signRequest } from '../../src/ovh/signing.js';

// The official SDK (node_modules/ovh, lib/ovh.es5.js): its signRequest(method, url, body, ts).
const require = createRequire(import.meta.url);
const ovhSdk = require('ovh') as (params: Record<string, unknown>) => { signRequest(method: string, url: string, body: string, ts: number): string };

const AS = 'EXEgWIz07P0HYwtQDs7cNIqCiQaWSuHF';
const CK = 'MtSwSrPpNjqfVSmJhLbPyr2i45lSwPU1';

describe('signRequest', () => {
  it('reproduces the two vectors of reference/ovh-api.md §2.1', () => {
    expect(
      signRequest({ applicationSecret: AS, consumerKey: CK, method: 'POST', url: 'https://eu.api.ovh.com/1.0/ip/192.0.2.10%2F32/move', body: '{"to":"ns3000000.ip-198-51-100.eu"}', timestamp: 1700000000 }),
    ).toBe('$1$852ea8e575cc2af34b09f4879982288c4b5dfed0');
    expect(signRequest({ applicationSecret: AS, consumerKey: CK, method: 'GET', url: 'https://eu.api.ovh.com/1.0/ip/192.0.2.10%2F32', body: '', timestamp: 1700000000 })).toBe(
      '$1$5e02e9e8dba48cfd2f1de19e4704676df4d041fe',
    );
  });

  it('agrees with the ovh npm SDK for random inputs', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }),
        fc.string({ minLength: 1 }),
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'),
        fc.webUrl({ withQueryParameters: true }),
        fc.oneof(fc.constant(''), fc.json()),
        fc.integer({ min: 0, max: 4_000_000_000 }),
        (secret, consumerKey, method, url, body, timestamp) => {
          const sdk = ovhSdk({ appKey: 'ak', appSecret: secret, consumerKey });
          expect(signRequest({ applicationSecret: secret, consumerKey, method, url, body, timestamp })).toBe(sdk.signRequest(method, url, body, timestamp));
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('signatureUrl', () => {
  it('signs https + host without port + base path, as node-ovh does', () => {
    expect(signatureUrl('https://eu.api.ovh.com/1.0', '/ip/192.0.2.10%2F32')).toBe('https://eu.api.ovh.com/1.0/ip/192.0.2.10%2F32');
    expect(signatureUrl('http://127.0.0.1:40123/1.0/', '/auth/time?x=1')).toBe('https://127.0.0.1/1.0/auth/time?x=1');
  });
});

describe('ovhJson', () => {
  it('is compact JSON with non-ASCII escaped like node-ovh', () => {
    expect(ovhJson({ to: 'ns1', name: 'routeur-é€' })).toBe('{"to":"ns1","name":"routeur-\\u00e9\\u20ac"}');
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(JSON.parse(ovhJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });
});
