// Issue 14 item 2: a 429's Retry-After (delta-seconds or HTTP-date, RFC 9110 §10.2.3) pauses the
// client for a bounded time (1 s – 15 min), whatever the header says, and the pause's end is shown
// in the failover IP's status (`pausedUntil`). Before the fix, `Retry-After: 31536000` paused every
// call for a year and `99999999999999` made every later call throw "Invalid time value".
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ovhPath } from '../../src/ovh/client.js';
import { OvhError } from '../../src/ovh/errors.js';
import { retryAfterPauseMs } from '../../src/ovh/retry-after.js';
import { renderMetrics } from '../../src/status/metrics.js';
import { drainedReport, withResource } from '../fakes/status-report.js';
import { FailoverIpResource } from '../../src/resources/failover-ip/resource.js';
import { FakeClock } from '../fakes/clock.js';
import { captureLogger } from '../fakes/logger.js';
import { desiredContext, resourceContext } from '../fakes/mastership.js';
import { IP, legacyCredentials, makeClient, moveWorld, routerConfig } from '../ovh-mock/fixtures.js';
import { startOvhMock, type OvhMock } from '../ovh-mock/server.js';

let mock: OvhMock;
let clock: FakeClock;

beforeEach(async () => {
  clock = new FakeClock();
  mock = await startOvhMock({ now: () => clock.now(), state: moveWorld() });
});
afterEach(async () => {
  await mock.close();
});

const ipPath = ovhPath`/ip/${IP}`;
const httpDate = (ms: number) => new Date(ms).toUTCString();

async function pauseAfter(headers: Record<string, string>): Promise<{ pauseMs: number; error: unknown }> {
  const client = makeClient(mock.url, legacyCredentials('a'), clock, captureLogger().log);
  await client.get(ipPath); // clock delta fetched: the 429 below hits the call itself
  mock.faults.add({ kind: 'status', status: 429, path: '/ip/{ip}', headers });
  const error = await client.get(ipPath).catch((e: unknown) => e);
  const paused = client.pausedUntil();
  return { pauseMs: paused === null ? 0 : paused.until - clock.now(), error };
}

describe('429 Retry-After: bounded, never throwing', () => {
  it.each([
    ['delta-seconds', '30', 30_000],
    ['a year in seconds', '31536000', 900_000],
    ['a number beyond any date', '99999999999999', 900_000],
    ['zero', '0', 1000],
    ['a fraction (not delta-seconds)', '1.5', 60_000],
    ['negative (not delta-seconds)', '-5', 60_000],
    ['garbage', 'soon', 60_000],
    ['an HTTP-date 2 minutes ahead', httpDate(Date.UTC(2026, 10, 25, 8, 2, 0)), 120_000],
    ['an HTTP-date in the past', httpDate(Date.UTC(2026, 10, 25, 7, 0, 0)), 1000],
    ['an HTTP-date in the year 9999', 'Fri, 31 Dec 9999 23:59:59 GMT', 900_000],
  ])('%s (%s) → pause %i ms', async (_name, value, expected) => {
    const { pauseMs, error } = await pauseAfter({ 'retry-after': value });
    expect(error).toBeInstanceOf(OvhError);
    expect(error).toMatchObject({ code: 'OVH_RATE_LIMITED', status: 429, transient: true });
    expect(pauseMs).toBe(expected);
  });

  it('an HTTP-date counts from the server\'s Date header when it sends one (its clock, not ours)', async () => {
    const serverNow = Date.UTC(2026, 10, 25, 9, 0, 0); // the server's clock is an hour ahead of ours
    const { pauseMs } = await pauseAfter({ 'retry-after': httpDate(serverNow + 45_000), date: httpDate(serverNow) });
    expect(pauseMs).toBe(45_000);
  });

  it('while paused, calls fail fast with the pause in the message and details, and resume at its end', async () => {
    const client = makeClient(mock.url, legacyCredentials('a'), clock, captureLogger().log);
    await client.get(ipPath);
    mock.faults.add({ kind: 'status', status: 429, path: '/ip/{ip}', headers: { 'retry-after': '99999999999999' } });
    await client.get(ipPath).catch(() => undefined);
    const requests = mock.requests.length;
    for (let i = 0; i < 5; i++) {
      await clock.advance(60_000);
      const error = (await client.get(ipPath).catch((e: unknown) => e)) as OvhError;
      expect(error).toMatchObject({ code: 'OVH_RATE_LIMITED', transient: true, details: { pausedUntil: '2026-11-25T08:15:00.000Z' } });
      expect(error.message).toMatch(/not calling until 2026-11-25T08:15:00\.000Z/);
    }
    expect(mock.requests.length).toBe(requests);
    await clock.advance(600_000);
    await expect(client.get(ipPath)).resolves.toMatchObject({ ip: IP });
    expect(client.pausedUntil()).toBeNull();
  });

  it('the failover IP status shows the pause and its end (pausedUntil), then clears it', async () => {
    const logger = captureLogger();
    const client = makeClient(mock.url, legacyCredentials('a'), clock, logger.log);
    const config = routerConfig('a', 'move', mock.url);
    const resource = new FailoverIpResource({ config, ip: config.ovh.ips[0]!, client, clock });
    const ctx = resourceContext({ log: logger.log, clock });
    await client.get('/auth/time');
    mock.faults.add({ kind: 'status', status: 429, headers: { 'retry-after': '120' } });
    resource.desired(desiredContext('MASTER'));
    await expect(resource.observe(ctx)).rejects.toMatchObject({ code: 'OVH_RATE_LIMITED' });
    expect(client.pausedUntil()).toMatchObject({ reason: 'rate-limited' });
    const paused = resource.status(ctx.mastership);
    expect(paused).toMatchObject({ kind: 'ovh', pausedUntil: '2026-11-25T08:02:00.000Z', pauseReason: 'rate-limited' });
    // A 429 pause is not a credential failure: the critical "auth paused" alert's gauge stays 0.
    const metrics = renderMetrics(withResource(drainedReport(), `ovh:${IP}`, { kind: 'ovh', detail: paused }));
    expect(metrics).toMatch(/^carp_failover_ovh_auth_paused\{resource="ovh:192\.0\.2\.10\/32"\} 0$/m);
    await clock.advance(120_000);
    expect(resource.status(ctx.mastership)).toMatchObject({ pausedUntil: null, pauseReason: null });
  });
});

describe('a credential pause', () => {
  it('status shows its end and says auth (the gauge behind the critical credentials alert is 1)', async () => {
    const logger = captureLogger();
    const client = makeClient(mock.url, legacyCredentials('a'), clock, logger.log, { authRetryMs: 60_000 });
    const config = routerConfig('a', 'move', mock.url);
    const resource = new FailoverIpResource({ config, ip: config.ovh.ips[0]!, client, clock });
    const ctx = resourceContext({ log: logger.log, clock });
    await client.get(ipPath);
    mock.faults.add({ kind: 'status', status: 403, path: '/ip/{ip}' }); // INVALID_CREDENTIAL: 60 s
    await client.get(ipPath).catch(() => undefined);
    expect(resource.status(ctx.mastership)).toMatchObject({ pausedUntil: '2026-11-25T08:01:00.000Z', pauseReason: 'auth' });
    const metrics = renderMetrics(withResource(drainedReport(), `ovh:${IP}`, { kind: 'ovh', detail: resource.status(ctx.mastership) }));
    expect(metrics).toMatch(/^carp_failover_ovh_auth_paused\{resource="ovh:192\.0\.2\.10\/32"\} 1$/m);
    await clock.advance(60_000);
    expect(resource.status(ctx.mastership)).toMatchObject({ pausedUntil: null, pauseReason: null });
  });
});

describe('retryAfterPauseMs', () => {
  it('never throws and always answers within [1 s, 15 min], whatever the headers and the clock', () => {
    const header = fc.oneof(fc.constant(null), fc.string(), fc.stringMatching(/^\d{1,400}$/), fc.date({ noInvalidDate: false }).map((d) => (Number.isNaN(d.getTime()) ? 'Thu, 01 Jan 1970 00:00:00 GMT' : d.toUTCString())));
    fc.assert(
      fc.property(header, header, fc.double(), fc.double(), (retryAfter, date, now, fallback) => {
        const ms = retryAfterPauseMs({ retryAfter, date }, now, fallback);
        expect(Number.isInteger(ms)).toBe(true);
        expect(ms).toBeGreaterThanOrEqual(1000);
        expect(ms).toBeLessThanOrEqual(900_000);
        expect(() => new Date(Date.UTC(2026, 0, 1) + ms).toISOString()).not.toThrow();
      }),
      { numRuns: 2000 },
    );
  });
});
