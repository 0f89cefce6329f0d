// The metrics listener on the real daemon process (issue 14 item 3): a port another listener holds
// neither stops nor delays the service — it runs, says so in status, logs and counts it, and binds
// once the port is free; check-config and run refuse the same bad addresses.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { FakeFreeBsd } from './support/fake-freebsd.js';
import { cliArgv, request, startDaemon, waitFor } from './support/daemon-process.js';
import { daemonConfigText } from './support/daemon-config.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'cf-metrics-'));
const bsd = new FakeFreeBsd({ carp: { vmx0: { '1': 'MASTER' } }, gre: { gre0: false }, demotion: 0, preempt: 1, allow: 1 });
const statusSock = join(dir, 'status.sock');

function writeConfig(name: string, listen: string): string {
  const path = join(dir, name);
  writeFileSync(
    path,
    daemonConfigText({ dir, statusSock, stateDir: join(dir, 'state'), bsd, extra: `gre:
  tunnels: [{ interface: gre0 }]
metrics: { listen: "${listen}" }
` }),
  );
  return path;
}

async function cli(...args: string[]): Promise<{ code: number; output: string }> {
  const [file, ...rest] = cliArgv(...args);
  try {
    const { stdout, stderr } = await run(file!, rest, { timeout: 30_000 });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, output: e.stdout + e.stderr };
  }
}

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  bsd.remove();
});

describe('metrics listener on the real daemon', () => {
  it('a port held by another listener: the service runs, status/log/counter say so, and it binds once the port is free', async () => {
    const holder: Server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => holder.listen({ host: '127.0.0.1', port: 0, exclusive: true }, resolve));
    const port = (holder.address() as AddressInfo).port;
    const daemon = startDaemon(writeConfig('held.yaml', `127.0.0.1:${port}`));
    try {
      const report = await waitFor('the service running with the metrics port taken', async () => {
        const r = (await request(statusSock, { cmd: 'status' })).result;
        return r.lastReconcile && r.role === 'MASTER' && bsd.read().gre.gre0 ? r : null;
      }, 30_000);
      expect(report.metrics).toMatchObject({ listen: `127.0.0.1:${port}`, listening: false });
      expect(report.metrics.lastError).toMatch(/cannot listen for metrics on 127\.0\.0\.1:\d+: .*EADDRINUSE/);
      expect(Date.parse(report.metrics.nextRetryAt)).toBeGreaterThan(Date.parse(report.heartbeatAt) - 1000);
      expect(report.counters.metricsListenFailures).toBeGreaterThanOrEqual(1);
      expect(report.demotion.ours.boot).toBe(0); // the boot hold-down ended as usual
      expect(daemon.output()).toContain('metrics listener cannot bind; the service runs on without it and retries');

      await new Promise<void>((resolve) => holder.close(() => resolve()));
      const body = await waitFor('the metrics listener to bind after the port is freed', async () => {
        const response = await fetch(`http://127.0.0.1:${port}/metrics`);
        return response.ok ? response.text() : null;
      }, 30_000, 200);
      expect(body).toMatch(/^carp_failover_metrics_listen_failures_total [1-9]\d*$/m);
      const after = (await request(statusSock, { cmd: 'status' })).result;
      expect(after.metrics).toMatchObject({ listening: true, lastError: null, nextRetryAt: null });
      daemon.child.kill('SIGTERM');
      expect(await daemon.exited).toBe(0);
    } finally {
      if (daemon.child.exitCode === null) daemon.child.kill('SIGKILL');
      holder.close();
    }
  }, 90_000);

  for (const listen of ['127.0.0.1:99999', '127.999.1.1:9000']) {
    it(`check-config and run refuse metrics.listen ${listen} alike (exit 78, the key named)`, async () => {
      const path = writeConfig('bad.yaml', listen);
      const checked = await cli('check-config', '-c', path);
      const ran = await cli('run', '-c', path);
      expect(checked.code).toBe(78);
      expect(ran.code).toBe(78);
      for (const output of [checked.output, ran.output]) expect(output).toMatch(/metrics\.listen/);
    }, 60_000);
  }
});
