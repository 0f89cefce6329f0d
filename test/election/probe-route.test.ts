// The route probe against zebra's real answers: fixtures captured from FRR 8.4 (see
// test/fixtures/frr-routes/README.md), then a live zebra in a network namespace where the test
// adds and removes a kernel default route and the probe follows through the real vtysh.
import { readFileSync } from 'node:fs';
import { mkdtempSync, chmodSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { judgeRoute, routeCommand, routeProbe } from '../../src/election/probe-route.js';
import { createHost } from '../../src/host/run.js';
import { Vtysh } from '../../src/resources/ospf/vtysh.js';
import { startFrr, VTYSH, waitFor, type FrrInstance } from '../support/frr.js';
import { NetnsLab, nsExec } from '../support/netns.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/frr-routes/${name}`, import.meta.url), 'utf8');
const DEFAULT = { prefix: '0.0.0.0/0', protocol: null };

describe('judgeRoute (FRR 8.4 captures)', () => {
  it('a selected, installed entry is a route', () => {
    expect(judgeRoute(fixture('frr-8.4-route-static-selected.json.txt'), DEFAULT)).toEqual({ ok: true, detail: '0.0.0.0/0 via static' });
  });

  it('only the selected one of two candidates counts', () => {
    expect(judgeRoute(fixture('frr-8.4-route-two-candidates.json.txt'), DEFAULT)).toEqual({ ok: true, detail: '0.0.0.0/0 via static' });
  });

  it('an empty entry list (nexthop down) and {} (no node) are no route', () => {
    expect(judgeRoute(fixture('frr-8.4-route-nexthop-down.json.txt'), DEFAULT)).toEqual({ ok: false, detail: '0.0.0.0/0 not in the routing table' });
    expect(judgeRoute(fixture('frr-8.4-route-absent.json.txt'), { prefix: '203.0.113.0/24', protocol: null })).toEqual({ ok: false, detail: '203.0.113.0/24 not in the routing table' });
  });

  it('a route from another protocol than the one asked for is no route', () => {
    expect(judgeRoute(fixture('frr-8.4-route-static-selected.json.txt'), { prefix: '0.0.0.0/0', protocol: 'ospf' })).toEqual({ ok: false, detail: '0.0.0.0/0 only via static, not ospf' });
  });

  it('an answer that is not zebra JSON is PARSE_FAILED', () => {
    expect(() => judgeRoute('% Unknown command', DEFAULT)).toThrow(expect.objectContaining({ code: 'PARSE_FAILED' }));
    expect(() => judgeRoute('[]', DEFAULT)).toThrow(expect.objectContaining({ code: 'PARSE_FAILED' }));
  });

  it('builds the command only from a well-formed IPv4 prefix', () => {
    expect(routeCommand('0.0.0.0/0')).toBe('show ip route 0.0.0.0/0 json');
    for (const bad of ['0.0.0.0/33', '256.0.0.0/8', '0.0.0.0/0 json\nreload', '::/0']) expect(() => routeCommand(bad)).toThrow(expect.objectContaining({ code: 'INVALID_NAME' }));
  });
});

describe('route probe against a live zebra', () => {
  const lab = new NetnsLab('cfer');
  let frr: FrrInstance | null = null;
  let dir = '';
  let ns = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cfe-route-'));
    chmodSync(dir, 0o755);
    ns = lab.addNamespace('z');
    nsExec(ns, ['ip', 'link', 'add', 'up0', 'type', 'veth', 'peer', 'name', 'up1']);
    nsExec(ns, ['ip', 'link', 'set', 'up0', 'up']);
    nsExec(ns, ['ip', 'link', 'set', 'up1', 'up']);
    nsExec(ns, ['ip', 'addr', 'add', '192.0.2.1/24', 'dev', 'up0']);
    frr = await startFrr({ ns, name: 'cfer-z', dir: join(dir, 'frr'), config: 'hostname cfer-z\nrouter ospf\n ospf router-id 10.255.9.1\n' });
  }, 60_000);

  afterAll(async () => {
    await frr?.stop();
    lab.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  it('follows a kernel default route appearing and going away', async () => {
    const host = createHost({ allowed: [VTYSH], defaultTimeoutMs: 5000 });
    const vtysh = new Vtysh(host, { vtysh: VTYSH, vty_socket: frr!.vtySocket, timeout_ms: 5000, flavour: 'frr' });
    const probe = routeProbe(vtysh, DEFAULT);
    const signal = () => AbortSignal.timeout(5000);
    expect(await probe(signal())).toEqual({ ok: false, detail: '0.0.0.0/0 not in the routing table' });
    nsExec(ns, ['ip', 'route', 'add', 'default', 'via', '192.0.2.254', 'dev', 'up0']);
    const up = await waitFor('zebra to learn the kernel default route', async () => {
      const result = await probe(signal());
      return result.ok ? result : null;
    });
    expect(up).toEqual({ ok: true, detail: '0.0.0.0/0 via kernel' });
    expect((await routeProbe(vtysh, { prefix: '0.0.0.0/0', protocol: 'ospf' })(signal())).ok).toBe(false);
    nsExec(ns, ['ip', 'route', 'del', 'default']);
    await waitFor('zebra to drop it', async () => !(await probe(signal())).ok);
  });

  it('a vtysh that cannot reach zebra is a broken probe, not a path down', async () => {
    const host = createHost({ allowed: [VTYSH], defaultTimeoutMs: 5000 });
    const vtysh = new Vtysh(host, { vtysh: VTYSH, vty_socket: join(dir, 'nowhere'), timeout_ms: 5000, flavour: 'frr' });
    const result = await routeProbe(vtysh, DEFAULT)(AbortSignal.timeout(5000));
    expect(result).toMatchObject({ ok: false, broken: true });
  });
});
