// The icmp probe over a real network: two namespaces joined by a veth, the real host layer
// (execa, allow-list) running a FreeBSD-flag ping (test/support/freebsd-ping.mjs, iputils
// underneath, exit statuses mapped to FreeBSD's). The path answers, goes away, and a source
// address that is not the router's is a probe that cannot run, not a path down.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { icmpProbe } from '../../src/election/probe-icmp.js';
import { createHost } from '../../src/host/run.js';
import { netnsUnavailable, skipReason } from '../support/env.js';
import { NetnsLab, nsExec } from '../support/netns.js';

const PING = fileURLToPath(new URL('../support/freebsd-ping.mjs', import.meta.url));
const skip = skipReason('icmp probe in namespaces', netnsUnavailable()) !== null;

describe.skipIf(skip)('icmp probe through a real path', () => {
  const lab = new NetnsLab('cfep');
  let router = '';
  let upstream = '';

  beforeAll(() => {
    router = lab.addNamespace('r');
    upstream = lab.addNamespace('u');
    lab.addVeth(router, 'wan0', upstream, 'down0');
    lab.addAddress(router, 'wan0', '203.0.113.12/24');
    lab.addAddress(upstream, 'down0', '203.0.113.1/24');
  });
  afterAll(() => lab.remove());

  const host = () => createHost({ allowed: [PING], defaultTimeoutMs: 5000, env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', CFE_PING_NETNS: router } });
  const probe = (source: string | null, timeoutMs = 800) => icmpProbe(host(), { ping: PING, target: '203.0.113.1', source, timeoutMs })(AbortSignal.timeout(5000));

  it('a reply is up; the far end gone is no reply within the timeout; back, a reply again', async () => {
    expect(await probe('203.0.113.12')).toEqual({ ok: true, detail: 'reply from 203.0.113.1' });
    nsExec(upstream, ['ip', 'link', 'set', 'down0', 'down']);
    const started = Date.now();
    expect(await probe('203.0.113.12')).toEqual({ ok: false, detail: 'no reply from 203.0.113.1' });
    expect(Date.now() - started).toBeLessThan(3000);
    nsExec(upstream, ['ip', 'link', 'set', 'down0', 'up']);
    // The link takes a moment to come back: the probe answers up again within a few tries.
    let back = await probe(null);
    for (let tries = 0; !back.ok && tries < 10; tries++) back = await probe(null);
    expect(back).toEqual({ ok: true, detail: 'reply from 203.0.113.1' });
  });

  it('a source address that is not the router\'s cannot run: broken, not down', async () => {
    const result = await probe('192.0.2.99');
    expect(result).toMatchObject({ ok: false, broken: true });
    expect(result.detail).toContain('exited 71');
  });
});
