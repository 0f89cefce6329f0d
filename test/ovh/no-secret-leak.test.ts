// A canary secret in every credential: after claims, faults and auth failures, nothing in the
// logs, the status (status()) or the errors (message, JSON, inspect, cause) contains a
// secret, a token or a signature.
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { OvhClient } from '../../src/ovh/client.js';
import { parseOvhCredentials } from '../../src/ovh/credentials.js';
import { FailoverIpResource } from '../../src/resources/failover-ip/resource.js';
import { FakeClock } from '../fakes/clock.js';
import { captureLogger } from '../fakes/logger.js';
import { desiredContext, resourceContext } from '../fakes/mastership.js';
import { KEYS, legacyCredentials, OAUTH, oauthCredentials, routerConfig, vmacWorld } from '../ovh-mock/fixtures.js';
import { startOvhMock, type OvhMock } from '../ovh-mock/server.js';

let mock: OvhMock | undefined;
afterEach(async () => {
  await mock?.close();
  mock = undefined;
});

function everything(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return [error.message, JSON.stringify(error), inspect(error, { depth: 10 }), everything(error.cause)].join('\n');
}

describe('no secret reaches logs, status or errors', () => {
  it.each(['legacy', 'oauth2'] as const)('%s credentials', async (kind) => {
    const clock = new FakeClock();
    mock = await startOvhMock({ now: () => clock.now(), state: vmacWorld() });
    const logger = captureLogger('trace');
    const credentials = kind === 'legacy' ? legacyCredentials('a') : oauthCredentials();
    const client = new OvhClient({ credentials, baseUrl: mock.url, timeoutMs: 300, clock, log: logger.log, authRetryMs: 1000 });
    const config = routerConfig('a', 'vmac', mock.url);
    const resource = new FailoverIpResource({ config, ip: config.ovh.ips[0]!, client, clock });
    const ctx = resourceContext({ reconcileId: 'canary', log: logger.log, clock });
    const seen: string[] = [];
    const run = async () => {
      try {
        const desired = resource.desired(desiredContext('MASTER'))!;
        const plan = resource.plan(desired, await resource.observe(ctx));
        for (const step of plan.kind === 'steps' ? plan.steps : []) await resource.apply(step, ctx);
      } catch (error) {
        seen.push(everything(error));
      }
      seen.push(JSON.stringify(resource.status(ctx.mastership)));
      await clock.advance(5000);
    };
    for (let i = 0; i < 4; i++) await run();
    // Echo: a hostile endpoint quoting our request (its headers carry the token or the consumer
    // key; the token request's body carries the client secret) in its error.
    for (const fault of [{ kind: 'status', status: 500 }, { kind: 'status', status: 401 }, { kind: 'status', status: 403 }, { kind: 'slow', delayMs: 600 }, { kind: 'reset' }, { kind: 'garbage' }, { kind: 'status', status: 400, echo: true }, { kind: 'status', status: 503, echo: true }] as const) {
      mock.faults.add({ ...fault, path: /\/1\.0\// });
      await run();
      await clock.advance(120_000);
    }
    // Credentials revoked, then a bad secret.
    if (kind === 'legacy') mock.state.legacy.get(KEYS.a.consumerKey)!.status = 'expired';
    else mock.state.oauthClients.get(OAUTH.clientId)!.clientSecret = 'changed';
    mock.state.tokens.clear();
    await run();
    // The token endpoint itself echoing the form body (client_secret) in its 400.
    if (kind === 'oauth2') mock.state.oauthClients.get(OAUTH.clientId)!.clientSecret = OAUTH.clientSecret;
    mock.faults.add({ kind: 'status', status: 400, path: '/auth/oauth2/token', echo: true });
    await clock.advance(900_000);
    await run();
    seen.push(inspect(credentials, { depth: 5 }), JSON.stringify(credentials), String(credentials));

    const tokens = [...mock.state.tokens.keys()];
    const canaries = [KEYS.a.applicationSecret, KEYS.a.consumerKey, OAUTH.clientSecret, ...tokens];
    const haystack = [logger.text(), ...seen].join('\n');
    expect(logger.lines.length).toBeGreaterThan(10);
    expect(haystack).toContain('[redacted]'); // the echoes did reach us
    for (const canary of canaries) expect(haystack).not.toContain(canary);
    expect(haystack).not.toMatch(/\$1\$[0-9a-f]{40}/); // no signature
    expect(haystack).not.toMatch(/Bearer [0-9a-f]/);
  });

  it('credentials file errors name the file and the problem, never a value', () => {
    const text = `[default]\nendpoint=ovh-eu\n[ovh-eu]\napplication_key=ak\napplication_secret=${KEYS.a.applicationSecret}\n`;
    let message = '';
    try {
      parseOvhCredentials(text, '/usr/local/etc/carp-failover/ovh.conf');
    } catch (error) {
      message = everything(error);
    }
    expect(message).toMatch(/\/usr\/local\/etc\/carp-failover\/ovh\.conf.*missing consumer_key/);
    expect(message).not.toContain(KEYS.a.applicationSecret);
  });
});
