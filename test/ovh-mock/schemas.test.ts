// Every answer the mock gives validates against OVH's own schemas (test/fixtures/ovh-openapi/,
// with their sources: ip.json and baremetal.json are OpenAPI 3.0; auth.legacy.json is OVH's legacy
// format), made strict here: every declared property present, none undeclared (real answers
// carry them all).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsPlugin from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ovhPath } from '../../src/ovh/client.js';
import { FakeClock } from '../fakes/clock.js';
import { captureLogger } from '../fakes/logger.js';
import { HYPERVISOR, IP, legacyCredentials, makeClient, SERVER_A, vmacWorld, VMAC_A } from './fixtures.js';
import { ROUTES } from './routes.js';
import { startOvhMock, type OvhMock } from './server.js';

const DIR = fileURLToPath(new URL('../fixtures/ovh-openapi/', import.meta.url));

type Json = Record<string, unknown>;
// ajv-formats is CommonJS: under NodeNext its default import is the module; the plugin is .default.
const addFormats = ((addFormatsPlugin as unknown as { default?: unknown }).default ?? addFormatsPlugin) as (ajv: Ajv) => Ajv;

/** Deep copy where every object schema requires all its properties and allows no others. */
function strict(node: unknown, prefix: string): unknown {
  if (Array.isArray(node)) return node.map((n) => strict(n, prefix));
  if (node === null || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node as Json)) out[k] = k === '$ref' && typeof v === 'string' ? v.replace(/^#/, `${prefix}#`) : strict(v, prefix);
  if (out.type === 'object' && out.properties && typeof out.properties === 'object') {
    out.required = Object.keys(out.properties as Json);
    out.additionalProperties = false;
  }
  // OpenAPI 3.0 `nullable` beside `allOf` (no `type`), which Ajv accepts only with a type.
  if (out.nullable === true && out.type === undefined) {
    delete out.nullable;
    return { anyOf: [out, { type: 'null' }] };
  }
  return out;
}

/** OVH's legacy model format → JSON Schema (only what /auth answers use). */
function legacyType(type: string, models: Record<string, Json>): Json {
  if (type.endsWith('[]')) return { type: 'array', items: legacyType(type.slice(0, -2), models) };
  const scalars: Record<string, Json> = { long: { type: 'integer' }, boolean: { type: 'boolean' }, string: { type: 'string' }, datetime: { type: 'string', format: 'date-time' }, ipBlock: { type: 'string', format: 'ip-block' } };
  if (scalars[type]) return scalars[type]!;
  const model = models[type];
  if (!model) throw new Error(`unknown legacy type ${type}`);
  if (Array.isArray(model.enum)) return { enum: model.enum };
  const properties: Json = {};
  for (const [name, p] of Object.entries(model.properties as Record<string, Json>)) {
    const t = legacyType(p.type as string, models);
    properties[name] = p.canBeNull ? { anyOf: [t, { type: 'null' }] } : t;
  }
  return { type: 'object', properties, required: Object.keys(properties), additionalProperties: false };
}

let mock: OvhMock;
let validators: Map<string, ValidateFunction>;

describe('OVH mock answers validate against OVH schemas', () => {
  beforeAll(async () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addFormat('ip-block', /^[0-9a-f.:]+\/\d{1,3}$/i);
    ajv.addFormat('ipv4-block', /^[0-9.]+\/\d{1,2}$/);
    ajv.addFormat('ipv6-block', /^[0-9a-f:]+\/\d{1,3}$/i);
    ajv.addFormat('mac-address', /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i);
    ajv.addFormat('phone-number', true);
    ajv.addFormat('password', true);
    validators = new Map();
    for (const file of ['ip.json', 'baremetal.json']) {
      const doc = JSON.parse(readFileSync(join(DIR, file), 'utf8')) as { paths: Record<string, Record<string, Json>>; components: Json };
      ajv.addSchema({ $id: file, components: strict(doc.components, file) } as Json);
      for (const [path, methods] of Object.entries(doc.paths)) {
        for (const [method, op] of Object.entries(methods)) {
          const schema = (op.responses as Json | undefined)?.['200'] as Json | undefined;
          const body = ((schema?.content as Json | undefined)?.['application/json'] as Json | undefined)?.schema;
          if (body) validators.set(`${method.toUpperCase()} ${path}`, ajv.compile(strict(body, file) as Json));
        }
      }
    }
    const legacy = JSON.parse(readFileSync(join(DIR, 'auth.legacy.json'), 'utf8')) as { models: Record<string, Json> };
    validators.set('GET /auth/time', ajv.compile(legacyType('long', legacy.models)));
    validators.set('GET /auth/currentCredential', ajv.compile(legacyType('auth.ApiCredential', legacy.models)));

    const clock = new FakeClock();
    mock = await startOvhMock({ now: () => clock.now(), state: { ...vmacWorld(null), servers: [...vmacWorld(null).servers!, { name: SERVER_A }] } });
    const client = makeClient(mock.url, legacyCredentials('a'), clock, captureLogger().log);
    const sn = HYPERVISOR;
    const bare = IP.replace('/32', '');
    await client.get('/auth/currentCredential');
    await client.get('/ip');
    await client.get(ovhPath`/ip/${IP}`);
    await client.get(ovhPath`/ip/${IP}/move`);
    await client.get(ovhPath`/dedicated/server/${sn}/virtualMac`);
    await client.get(ovhPath`/dedicated/server/${sn}/virtualMac/${VMAC_A}`);
    const add = await client.post<{ taskId: number }>(ovhPath`/dedicated/server/${sn}/virtualMac/${VMAC_A}/virtualAddress`, { ipAddress: bare, virtualMachineName: 'router-a' });
    await client.get(ovhPath`/dedicated/server/${sn}/task/${add.taskId}`);
    await client.get(ovhPath`/dedicated/server/${sn}/task`, { query: { status: 'done' } });
    await client.get(ovhPath`/dedicated/server/${sn}/virtualMac/${VMAC_A}/virtualAddress`);
    await client.get(ovhPath`/dedicated/server/${sn}/virtualMac/${VMAC_A}/virtualAddress/${bare}`);
    await client.delete(ovhPath`/dedicated/server/${sn}/virtualMac/${VMAC_A}/virtualAddress/${bare}`);
    await client.post(ovhPath`/dedicated/server/${sn}/virtualMac`, { ipAddress: bare, type: 'vmware', virtualMachineName: 'router-a' });
    await client.delete(ovhPath`/dedicated/server/${sn}/virtualMac/${(await client.get<string[]>(ovhPath`/dedicated/server/${sn}/virtualMac`)).find((m) => m.startsWith('00:50:56'))!}/virtualAddress/${bare}`);
    const move = await client.post<{ taskId: number }>(ovhPath`/ip/${IP}/move`, { to: SERVER_A });
    await client.get(ovhPath`/ip/${IP}/task/${move.taskId}`);
    await client.get(ovhPath`/ip/${IP}/task`, { query: { status: 'done' } });
  });
  afterAll(async () => {
    await mock?.close();
  });

  it('exercised every route the mock implements, each with a 200', () => {
    const answered = new Set(mock.requests.filter((r) => r.status === 200).map((r) => `${r.method} ${r.route}`));
    expect([...answered].sort()).toEqual(ROUTES.map((r) => `${r.method} ${r.template}`).sort());
  });

  it('every 200 body matches its route schema', () => {
    const failures: string[] = [];
    for (const r of mock.requests.filter((q) => q.status === 200)) {
      const validate = validators.get(`${r.method} ${r.route}`);
      if (!validate) {
        failures.push(`${r.method} ${r.route}: no schema`);
        continue;
      }
      if (!validate(r.responseBody)) failures.push(`${r.method} ${r.route}: ${JSON.stringify(validate.errors)}`);
    }
    expect(failures).toEqual([]);
  });

  it('the strict schemas do catch a wrong shape (the check is not vacuous)', () => {
    const validate = validators.get('GET /ip/{ip}/task/{taskId}')!;
    const good = mock.requests.find((r) => r.route === '/ip/{ip}/task/{taskId}')!.responseBody as Json;
    expect(validate(good)).toBe(true);
    expect(validate({ ...good, status: 'finished' })).toBe(false);
    expect(validate({ ...good, extra: 1 })).toBe(false);
    const { comment: _drop, ...withoutComment } = good;
    expect(validate(withoutComment)).toBe(false);
  });
});
