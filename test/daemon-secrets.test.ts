// Issue 14 item 6, on the real daemon process: an OVH endpoint that quotes our request back in its
// error (an OAuth2 token endpoint returning the form body in its 400; an API endpoint quoting the
// headers, which carry the access token or the consumer key). With canary secrets in the
// credentials file, nothing the service lets out — its log lines, the journal file, `history`,
// `status`, the metrics page — may contain a secret, raw or encoded; the error itself must still
// be there, with the secret replaced by [redacted].
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { FaultRule } from './ovh-mock/faults.js';
import { HYPERVISOR, IP, vmacWorld, VMAC_A } from './ovh-mock/fixtures.js';
import { startOvhMock, type OvhMock } from './ovh-mock/server.js';
import { request, startDaemon, waitFor, type DaemonProcess } from './support/daemon-process.js';
import { FakeFreeBsd } from './support/fake-freebsd.js';

const root = mkdtempSync(join(tmpdir(), 'cf-secrets-'));
const isRoot = process.getuid?.() === 0;

// Canaries with characters that percent- and form-encoding change ('+', '/', '=', ' ').
const CANARY = {
  applicationSecret: 'CANARY-AS+secret/9f2c=ab 41',
  consumerKey: 'CANARY-CK+key/77d1=cd 93',
  clientSecret: 'CANARY-CS+secret/3be8=ef 07',
};

let mock: OvhMock | undefined;
let daemon: DaemonProcess | undefined;
let bsd: FakeFreeBsd | undefined;

afterEach(async () => {
  daemon?.child.kill('SIGKILL');
  await daemon?.exited;
  daemon = undefined;
  bsd?.remove();
  bsd = undefined;
  await mock?.close();
  mock = undefined;
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Every form a canary may take in a file or a JSON line. */
function forms(secret: string): string[] {
  const form = new URLSearchParams({ v: secret }).toString().slice(2);
  return [...new Set([secret, encodeURIComponent(secret), form, JSON.stringify(secret).slice(1, -1), JSON.stringify(form).slice(1, -1)])];
}

interface Case {
  name: string;
  ini: string;
  fault: FaultRule;
  secrets: string[];
  /** The tokens the mock handed out (known only once the run is over). */
  tokens: () => string[];
}

const cases: Case[] = [
  {
    name: 'OAuth2 token endpoint echoing the form body (client_secret) in its 400',
    ini: `[default]\nendpoint=ovh-eu\n[ovh-eu]\nclient_id=eu.sa-router-a\nclient_secret=${CANARY.clientSecret}\n`,
    fault: { kind: 'status', status: 400, path: '/auth/oauth2/token', echo: true, times: Infinity },
    secrets: [CANARY.clientSecret],
    tokens: () => [],
  },
  {
    name: 'API endpoint echoing the headers (the Bearer token obtained) in its 400',
    ini: `[default]\nendpoint=ovh-eu\n[ovh-eu]\nclient_id=eu.sa-router-a\nclient_secret=${CANARY.clientSecret}\n`,
    fault: { kind: 'status', status: 400, path: /\/1\.0\/dedicated\//, echo: true, times: Infinity },
    secrets: [CANARY.clientSecret],
    tokens: () => [...(mock?.state.tokens.keys() ?? [])],
  },
  {
    name: 'API endpoint echoing the headers (the consumer key) and a 503 quoting the body',
    ini: `[default]\nendpoint=ovh-eu\n[ovh-eu]\napplication_key=ak-router-a\napplication_secret=${CANARY.applicationSecret}\nconsumer_key=${CANARY.consumerKey}\n`,
    fault: { kind: 'status', status: 503, path: /\/1\.0\/dedicated\//, echo: true, times: Infinity },
    secrets: [CANARY.applicationSecret, CANARY.consumerKey],
    tokens: () => [],
  },
];

describe.skipIf(!isRoot)('no secret leaves the daemon, even when OVH echoes it back (real process)', () => {
  it.each(cases)('$name', async (c) => {
    const dir = mkdtempSync(join(root, 'run-'));
    const world = vmacWorld();
    world.legacy = [{ applicationKey: 'ak-router-a', applicationSecret: CANARY.applicationSecret, consumerKey: CANARY.consumerKey }];
    world.oauth2 = [{ clientId: 'eu.sa-router-a', clientSecret: CANARY.clientSecret }];
    mock = await startOvhMock({ state: world });
    mock.faults.add(c.fault);
    bsd = new FakeFreeBsd({ carp: { vmx0: { '1': 'MASTER' } }, gre: {}, demotion: 0, preempt: 1, allow: 1 });
    const credentials = join(dir, 'ovh.conf');
    writeFileSync(credentials, c.ini, { mode: 0o600 });
    const statusSock = join(dir, 'run', 'status.sock');
    const metricsPort = await freePort();
    mkdirSync(join(dir, 'state'), { mode: 0o750 });
    const configPath = join(dir, 'carp-failover.yaml');
    writeFileSync(
      configPath,
      `node: router-a
carp:
  vhids:
    - { vhid: 1, interface: vmx0 }
settle: { local_ms: 0, provider_ms: 0 }
reconcile: { period_s: 1 }
sockets:
  intake: { path: ${join(dir, 'run', 'intake.sock')} }
  status: { path: ${statusSock}, mode: "0640" }
state_dir: ${join(dir, 'state')}
commands: { ifconfig: ${bsd.ifconfig}, sysctl: ${bsd.sysctl} }
metrics: { listen: "127.0.0.1:${metricsPort}" }
log: { level: debug }
ovh:
  base_url: ${mock.url}
  credentials: ${credentials}
  ips:
    - { ip: ${IP}, strategy: vmac, service: ${HYPERVISOR}, vmac: "${VMAC_A}", vm_name: router-a }
`,
    );
    daemon = startDaemon(configPath);
    const status = async () => {
      const reply = await request(statusSock, { cmd: 'status' });
      expect(reply.ok).toBe(true);
      return reply.result;
    };
    // The OVH resource has failed with the echoed error, and the journal has the failed step.
    const report = await waitFor(
      'the OVH error in status and the journal',
      async () => {
        const r = await status();
        const ovh = r.resources.find((x: { id: string }) => x.id === `ovh:${IP}`);
        const journal = readFileSync(join(dir, 'state', 'journal.jsonl'), 'utf8');
        return ovh?.lastError && journal.includes('"outcome":"error"') && journal.includes(ovh.lastError.code) ? r : null;
      },
      20_000,
    );
    const ovh = report.resources.find((x: { id: string }) => x.id === `ovh:${IP}`);
    const history = await request(statusSock, { cmd: 'history', args: { limit: 50 } });
    expect(history.ok).toBe(true);
    // The metrics listener starts after the engine's first run: wait for it.
    const metrics = await waitFor('the metrics page', async () => (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text(), 10_000);
    expect(metrics).toMatch(/carp_failover_/);
    const journal = readFileSync(join(dir, 'state', 'journal.jsonl'), 'utf8');
    const logs = daemon.output();

    const places: Record<string, string> = { logs, journal, history: JSON.stringify(history), status: JSON.stringify(await status()), metrics };
    const leaks: string[] = [];
    for (const secret of [...c.secrets, ...c.tokens()]) {
      for (const [place, text] of Object.entries(places)) {
        for (const form of forms(secret)) if (text.includes(form)) leaks.push(`${place}: ${text.split('\n').filter((l) => l.includes(form)).length} line(s) with ${JSON.stringify(form)}`);
      }
    }
    expect(leaks).toEqual([]);
    // The echo reached us (the test is live): its quoted request is in the error, minus the secret.
    expect(ovh.lastError.message).toMatch(/request body|headers/);
    expect(ovh.lastError.message).toContain('[redacted]');
    expect(logs).toContain('[redacted]');
  }, 40_000);
});
