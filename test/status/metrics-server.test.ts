import { request } from 'node:http';
import { connect } from 'node:net';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterEach, describe, expect, it } from 'vitest';
import { parseLoopbackListen, startMetricsServer, type MetricsServer } from '../../src/status/metrics-server.js';
import { drainConditions } from '../../src/status/drain.js';
import type { StatusReport } from '../../src/status/model.js';
import { captureLogger } from '../fakes/logger.js';
import { drainedReport } from '../fakes/status-report.js';

const servers: MetricsServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(status: () => StatusReport = () => {
  const r = drainedReport();
  return { ...r, drain: drainConditions(r) };
}) {
  const logger = captureLogger();
  const server = await startMetricsServer({ listen: '127.0.0.1:0', status, log: logger.log, requestTimeoutMs: 1000 });
  servers.push(server);
  return { server, logger };
}

function get(port: number, path: string, method = 'GET'): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('metrics server', () => {
  it('serves GET /metrics on 127.0.0.1 (ephemeral port); the body parses as Prometheus text', async () => {
    let calls = 0;
    const { server } = await start(() => {
      calls++;
      const r = drainedReport({ counters: { transitions: calls } });
      return { ...r, drain: drainConditions(r) };
    });
    expect(server.host).toBe('127.0.0.1');
    expect(server.port).toBeGreaterThan(0);
    const first = await get(server.port, '/metrics');
    expect(first.status).toBe(200);
    expect(first.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    const families = new Map(parsePrometheusTextFormat(first.body).map((f) => [f.name, f]));
    expect(families.get('carp_failover_drained')!.metrics[0]!.value).toBe('1');
    expect(families.get('carp_failover_role')!.metrics.find((m) => m.labels?.role === 'BACKUP')!.value).toBe('1');
    expect(families.get('carp_failover_transitions_total')!.metrics[0]!.value).toBe('1');
    // rendered fresh on every scrape
    const second = await get(server.port, '/metrics?x=1');
    const again = new Map(parsePrometheusTextFormat(second.body).map((f) => [f.name, f]));
    expect(again.get('carp_failover_transitions_total')!.metrics[0]!.value).toBe('2');
  });

  it('HEAD /metrics answers headers only', async () => {
    const { server } = await start();
    const res = await get(server.port, '/metrics', 'HEAD');
    expect(res.status).toBe(200);
    expect(res.body).toBe('');
  });

  it('404 for other paths, 405 for other methods', async () => {
    const { server } = await start();
    expect((await get(server.port, '/')).status).toBe(404);
    expect((await get(server.port, '/metrics/extra')).status).toBe(404);
    expect((await get(server.port, '/status')).status).toBe(404);
    const post = await get(server.port, '/metrics', 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
    expect((await get(server.port, '/metrics', 'DELETE')).status).toBe(405);
  });

  it('a status() that throws is a 500 and a log line, not a crash', async () => {
    const { server, logger } = await start(() => {
      throw new Error('engine not ready');
    });
    const res = await get(server.port, '/metrics');
    expect(res.status).toBe(500);
    expect(logger.lines.some((l) => l.msg === 'rendering metrics failed')).toBe(true);
    // still serving
    expect((await get(server.port, '/nope')).status).toBe(404);
  });

  it('close() drops idle keep-alive and half-open connections promptly', async () => {
    const { server } = await start();
    const socket = connect(server.port, '127.0.0.1');
    socket.on('error', () => undefined); // the reset is the point
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write('GET /metrics HTTP/1.1\r\nHost: x\r\n'); // never finishes its headers
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    const started = Date.now();
    await server.close();
    await closed;
    expect(Date.now() - started).toBeLessThan(1000);
    servers.splice(servers.indexOf(server), 1);
  });

  it('a client that never finishes its request is cut off by the request timeout', async () => {
    const { server } = await start();
    const socket = connect(server.port, '127.0.0.1');
    socket.on('error', () => undefined);
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write('GET /metrics HTTP/1.1\r\n');
    const started = Date.now();
    await new Promise<void>((resolve) => socket.once('close', () => resolve()));
    // requestTimeoutMs is 1000 in these tests; Node checks it on an interval (connectionsCheckingInterval)
    expect(Date.now() - started).toBeLessThan(60_000);
  });

  it('refuses a non-loopback listen address', async () => {
    const { log } = captureLogger();
    for (const listen of ['0.0.0.0:9807', '192.0.2.1:9807', '[::]:9807', '[2001:db8::1]:9807', 'example.com:9807', '10.127.0.1:80']) {
      await expect(startMetricsServer({ listen, status: () => drainedReport(), log })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    }
    await expect(startMetricsServer({ listen: 'garbage', status: () => drainedReport(), log })).rejects.toThrow(/host:port/);
    await expect(startMetricsServer({ listen: '127.0.0.1:70000', status: () => drainedReport(), log })).rejects.toThrow(/port/);
  });

  it('accepts the loopback forms and pins localhost to 127.0.0.1', () => {
    expect(parseLoopbackListen('127.0.0.1:9807')).toEqual({ host: '127.0.0.1', port: 9807 });
    expect(parseLoopbackListen('127.1.2.3:9807')).toEqual({ host: '127.1.2.3', port: 9807 });
    expect(parseLoopbackListen('[::1]:9807')).toEqual({ host: '::1', port: 9807 });
    expect(parseLoopbackListen('localhost:9807')).toEqual({ host: '127.0.0.1', port: 9807 });
    expect(parseLoopbackListen('[::ffff:127.0.0.1]:1')).toEqual({ host: '::ffff:127.0.0.1', port: 1 });
  });

  it('a port in use is SOCKET_IN_USE', async () => {
    const { server } = await start();
    const { log } = captureLogger();
    await expect(startMetricsServer({ listen: `127.0.0.1:${server.port}`, status: () => drainedReport(), log })).rejects.toMatchObject({
      code: 'SOCKET_IN_USE',
    });
  });
});
