import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ovhPath } from '../../src/ovh/client.js';
import { OvhError } from '../../src/ovh/errors.js';
import { FakeClock } from '../fakes/clock.js';
import { captureLogger, type CapturedLogger } from '../fakes/logger.js';
import { IP, KEYS, legacyCredentials, makeClient, moveWorld, oauthCredentials, SERVER_A, SERVER_B } from '../ovh-mock/fixtures.js';
import { startOvhMock, type OvhMock } from '../ovh-mock/server.js';

let mock: OvhMock;
let clock: FakeClock;
let logger: CapturedLogger;

beforeEach(async () => {
  clock = new FakeClock();
  logger = captureLogger();
  mock = await startOvhMock({ now: () => clock.now(), state: moveWorld() });
});
afterEach(async () => {
  await mock.close();
});

const ipPath = ovhPath`/ip/${IP}`;
const routes = () => mock.requests.map((r) => `${r.method} ${r.route} ${r.status}`);
const caught = async (p: Promise<unknown>): Promise<OvhError> => {
  try {
    await p;
  } catch (error) {
    if (error instanceof OvhError) return error;
    throw error;
  }
  throw new Error('expected an OvhError');
};

describe('OvhClient, legacy signed requests', () => {
  it('fetches the server time once, signs every call, and encodes the IP segment', async () => {
    const client = makeClient(mock.url, legacyCredentials('a'), clock, logger.log);
    expect(await client.get(ipPath)).toMatchObject({ ip: IP, routedTo: { serviceName: SERVER_B } });
    await client.get(ipPath);
    expect(routes()).toEqual(['GET /auth/time 200', 'GET /ip/{ip} 200', 'GET /ip/{ip} 200']);
    expect(mock.requests[1]!.url).toBe('/1.0/ip/192.0.2.10%2F32');
    expect(client.calls()).toMatchObject({ ok: 3, http4xx: 0, auth: 0 });
  });

  it('works with a skewed server clock (the delta is applied)', async () => {
    mock.faults.skewS = 900;
    const client = makeClient(mock.url, legacyCredentials('a'), clock, logger.log);
    await client.get(ipPath);
    expect(routes()).toEqual(['GET /auth/time 200', 'GET /ip/{ip} 200']);
  });

  it('re-syncs the clock once on INVALID_SIGNATURE and retries the call once', async () => {
    const client = makeClient(mock.url, legacyCredentials('a'), clock, logger.log);
    await client.get(ipPath);
    mock.faults.skewS = -1200; // the server clock jumps after our sync
    await client.get(ipPath);
    expect(routes()).toEqual(['GET /auth/time 200', 'GET /ip/{ip} 200', 'GET /ip/{ip} 400', 'GET /auth/time 200', 'GET /ip/{ip} 200']);
  });

  it('a bad secret fails as OVH_AUTH after one re-sync, then pauses instead of hammering', async () => {
    const bad = legacyCredentials('a');
    (bad as { applicationSecret: unknown }).applicationSecret = { reveal: () => 'wrong' };
    const client = makeClient(mock.url, bad, clock, logger.log);
    const error = await caught(client.get(ipPath));
    expect(error).toMatchObject({ code: 'OVH_AUTH', status: 400, errorCode: 'INVALID_SIGNATURE', attempt: 2, transient: false });
    expect(error.queryId).toMatch(/^EU\.mock-1\./);
    const count = mock.requests.length;
    const again = await caught(client.get(ipPath));
    expect(again.code).toBe('OVH_AUTH');
    expect(again.message).toMatch(/not calling until/);
    expect(mock.requests.length).toBe(count);
    await clock.advance(61_000);
    await caught(client.get(ipPath));
    expect(mock.requests.length).toBeGreaterThan(count);
  });

  it('an expired consumer key is OVH_AUTH (INVALID_CREDENTIAL), permanent, with the pause doubling', async () => {
    mock.state.legacy.get(KEYS.a.consumerKey)!.status = 'expired';
    const client = makeClient(mock.url, legacyCredentials('a'), clock, logger.log, { authRetryMs: 1000 });
    expect(await caught(client.get(ipPath))).toMatchObject({ code: 'OVH_AUTH', status: 403, errorCode: 'INVALID_CREDENTIAL', transient: false });
    const first = client.authPausedUntil()! - clock.now();
    await clock.advance(first);
    await caught(client.get(ipPath));
    expect(client.authPausedUntil()! - clock.now()).toBe(2 * first);
    expect(logger.lines.some((l) => l.msg === 'ovh credentials rejected: pausing OVH calls')).toBe(true);
  });

  it('NOT_GRANTED_CALL is OVH_AUTH for that call only (no pause)', async () => {
    mock.state.legacy.get(KEYS.a.consumerKey)!.rules = [{ method: 'GET', path: '/ip/*' }];
    const client = makeClient(mock.url, legacyCredentials('a'), clock, logger.log);
    expect(await caught(client.post(ovhPath`/ip/${IP}/move`, { to: 'x' }))).toMatchObject({ code: 'OVH_AUTH', errorCode: 'NOT_GRANTED_CALL' });
    expect(client.authPausedUntil()).toBeNull();
    await client.get(ipPath);
  });
});

describe('OvhClient, OAuth2 client credentials', () => {
  it('fetches a token once, reuses it, and refreshes it before it expires', async () => {
    const client = makeClient(mock.url, oauthCredentials(), clock, logger.log);
    await client.get(ipPath);
    await client.get(ipPath);
    expect(routes()).toEqual(['POST /auth/oauth2/token 200', 'GET /ip/{ip} 200', 'GET /ip/{ip} 200']);
    await clock.advance(3599_000 - 60_000); // inside the last minute of the token's life
    await client.get(ipPath);
    expect(routes().filter((r) => r.startsWith('POST /auth/oauth2/token'))).toHaveLength(2);
    expect(mock.requests.every((r) => r.status !== 401)).toBe(true);
  });

  it('a token the server forgot (401) is fetched again once', async () => {
    const client = makeClient(mock.url, oauthCredentials(), clock, logger.log);
    await client.get(ipPath);
    mock.state.tokens.clear();
    await client.get(ipPath);
    expect(routes()).toEqual(['POST /auth/oauth2/token 200', 'GET /ip/{ip} 200', 'GET /ip/{ip} 401', 'POST /auth/oauth2/token 200', 'GET /ip/{ip} 200']);
  });

  it('a wrong client secret is OVH_AUTH and pauses the client', async () => {
    const client = makeClient(mock.url, oauthCredentials('wrong'), clock, logger.log);
    expect(await caught(client.get(ipPath))).toMatchObject({ code: 'OVH_AUTH', status: 401, errorCode: 'invalid_client' });
    await caught(client.get(ipPath));
    expect(mock.requests).toHaveLength(1);
  });

  it('a missing IAM action is OVH_AUTH with the Client::Forbidden class', async () => {
    mock.state.oauthClients.get('eu.sa-router-a')!.actions = ['ip:apiovh:get'];
    const client = makeClient(mock.url, oauthCredentials(), clock, logger.log);
    await client.get(ipPath);
    expect(await caught(client.post(ovhPath`/ip/${IP}/move`, { to: 'x' }))).toMatchObject({ code: 'OVH_AUTH', status: 403, errorClass: 'Client::Forbidden' });
  });
});

describe('OvhClient errors', () => {
  const make = () => makeClient(mock.url, legacyCredentials('a'), clock, logger.log, { timeoutMs: 300 });

  it.each([
    [500, 'OVH_HTTP', true, 'Server::InternalServerError'],
    [503, 'OVH_HTTP', true, 'Server::ServiceUnavailable'],
    [404, 'OVH_HTTP', false, 'Client::NotFound'],
    [409, 'OVH_HTTP', false, 'Client::Conflict'],
    [400, 'OVH_HTTP', false, 'Client::BadRequest'],
  ] as const)('%i answers %s (transient %s) keeping the class and QueryId', async (status, code, transient, errorClass) => {
    mock.faults.add({ kind: 'status', status, path: '/ip/{ip}' });
    const error = await caught(make().get(ipPath));
    expect(error).toMatchObject({ code, status, transient, errorClass, method: 'GET', path: ipPath, attempt: 1 });
    expect(error.queryId).toBe(mock.requests.at(-1)!.queryId);
    expect(error.toJSON().details).toMatchObject({ status, errorClass, queryId: error.queryId });
  });

  it('429 is OVH_RATE_LIMITED, transient, and pauses for Retry-After', async () => {
    const client = make();
    mock.faults.add({ kind: 'status', status: 429, path: '/ip/{ip}', headers: { 'retry-after': '30' } });
    expect(await caught(client.get(ipPath))).toMatchObject({ code: 'OVH_RATE_LIMITED', status: 429, transient: true });
    const count = mock.requests.length;
    await caught(client.get(ipPath));
    expect(mock.requests.length).toBe(count);
    await clock.advance(30_000);
    await client.get(ipPath);
    expect(client.calls().rateLimited).toBe(1);
  });

  it('a slow answer is OVH_TIMEOUT; a reset is OVH_NETWORK; both transient', async () => {
    const client = make();
    await client.get(ipPath);
    mock.faults.add({ kind: 'slow', delayMs: 1500, path: '/ip/{ip}' });
    expect(await caught(client.get(ipPath))).toMatchObject({ code: 'OVH_TIMEOUT', status: null, transient: true });
    mock.faults.add({ kind: 'reset', path: '/ip/{ip}' });
    expect(await caught(client.get(ipPath))).toMatchObject({ code: 'OVH_NETWORK', status: null, transient: true });
    await client.get(ipPath);
    expect(client.calls()).toMatchObject({ timeout: 1, network: 1 });
  });

  it('truncated, oversized and non-JSON bodies are typed errors, never a crash', async () => {
    const client = make();
    await client.get(ipPath);
    mock.faults.add({ kind: 'truncate', path: '/ip/{ip}' });
    expect(['OVH_NETWORK', 'OVH_BAD_RESPONSE']).toContain((await caught(client.get(ipPath))).code);
    mock.faults.add({ kind: 'oversize', path: '/ip/{ip}' });
    expect(await caught(client.get(ipPath))).toMatchObject({ code: 'OVH_BAD_RESPONSE', ovhMessage: 'response body too large' });
    mock.faults.add({ kind: 'garbage', path: '/ip/{ip}' });
    expect(await caught(client.get(ipPath))).toMatchObject({ code: 'OVH_BAD_RESPONSE', status: 200 });
    mock.faults.add({ kind: 'status', status: 502, body: '<html>bad gateway</html>', path: '/ip/{ip}' });
    const html = await caught(client.get(ipPath));
    expect(html).toMatchObject({ code: 'OVH_HTTP', status: 502, transient: true });
    expect(html.ovhMessage).toMatch(/bad gateway/);
  });

  it('keeps itself under the local budget of calls a minute', async () => {
    const client = makeClient(mock.url, legacyCredentials('a'), clock, logger.log, { maxCallsPerMinute: 3, claimReserve: 0 });
    for (let i = 0; i < 3; i++) await client.get(ipPath);
    expect(await caught(client.get(ipPath))).toMatchObject({ code: 'OVH_RATE_LIMITED', details: { local: true } });
    await clock.advance(60_000);
    await client.get(ipPath);
  });

  it('keeps the last quarter of the budget for claims: writes and urgently() reads', async () => {
    const client = makeClient(mock.url, legacyCredentials('a'), clock, logger.log, { maxCallsPerMinute: 8 });
    for (let i = 0; i < 6; i++) await client.get(ipPath);
    const routine = await caught(client.get(ipPath));
    expect(routine).toMatchObject({ code: 'OVH_RATE_LIMITED', transient: true, details: { local: true, urgent: false } });
    expect(routine.ovhMessage).toBe('local budget for routine calls spent (6 of 8 a minute; the last 2 are kept for claims)');
    // A claim's reads, across awaits inside urgently(), and its write still go through.
    await client.urgently(async () => {
      await client.get(ipPath);
    });
    await client.post(ovhPath`/ip/${IP}/move`, { to: SERVER_A });
    const full = await caught(client.urgently(() => client.get(ipPath)));
    expect(full).toMatchObject({ code: 'OVH_RATE_LIMITED', details: { local: true, urgent: true } });
    expect(full.ovhMessage).toBe('local budget of 8 calls a minute spent');
    expect(routes().filter((r) => !r.startsWith('GET /auth/time'))).toEqual([...Array(7).fill('GET /ip/{ip} 200'), 'POST /ip/{ip}/move 200']);
    await clock.advance(60_000);
    await client.get(ipPath);
  });

  it('logs every call with method, path, status, duration and QueryId', async () => {
    const client = make();
    await client.get(ipPath);
    mock.faults.add({ kind: 'status', status: 500 });
    await caught(client.get(ipPath));
    const calls = logger.lines.filter((l) => typeof l.msg === 'string' && (l.msg as string).startsWith('ovh call'));
    expect(calls).toHaveLength(3);
    for (const line of calls) expect(Object.keys(line)).toEqual(expect.arrayContaining(['method', 'path', 'status', 'durationMs', 'queryId']));
    expect(calls[2]).toMatchObject({ method: 'GET', path: ipPath, status: 500, result: 'http5xx' });
  });
});
