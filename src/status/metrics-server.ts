// The optional Prometheus listener (config.metrics.listen). Loopback only: the metrics name the
// node, its failover IPs and its error codes, which is nobody's business off the box; a scraper
// elsewhere goes through an exporter proxy or SSH. GET (and HEAD) /metrics only; small timeouts so
// a slow or idle client cannot pin a socket; close() drops every connection.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Logger } from 'pino';
import { parseLoopbackListen as parseListen, type LoopbackListen } from '../config/listen.js';
import { CarpFailoverError } from '../errors.js';
import type { StatusReport } from './model.js';
import { METRICS_CONTENT_TYPE, renderMetrics } from './metrics.js';

export interface MetricsServerOptions {
  /** host:port as in the config: "127.0.0.1:9807", "[::1]:9807", "localhost:9807". Port 0 = any. */
  listen: string;
  status: () => StatusReport;
  log: Logger;
  /** Whole-request timeout (ms); default 5000. */
  requestTimeoutMs?: number;
}

export interface MetricsServer {
  /** The address actually bound (the port is the real one when 0 was asked). */
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Parses and checks a listen address (src/config/listen.ts); throws CONFIG_INVALID unless it is loopback. */
export function parseLoopbackListen(listen: string): LoopbackListen {
  const parsed = parseListen(listen);
  if ('problem' in parsed) throw new CarpFailoverError('CONFIG_INVALID', `metrics.listen "${listen}": ${parsed.problem}`, { details: { listen } });
  return parsed;
}

export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const { host, port } = parseLoopbackListen(options.listen);
  const log = options.log.child({ component: 'metrics' });
  const timeoutMs = options.requestTimeoutMs ?? 5000;
  const sockets = new Set<Socket>();

  const server: Server = createServer(
    { requestTimeout: timeoutMs, headersTimeout: Math.min(timeoutMs, 5000), keepAliveTimeout: 1000, maxHeaderSize: 8192 },
    (request: IncomingMessage, response: ServerResponse) => handle(request, response, options.status, log),
  );
  server.maxHeadersCount = 50;
  server.timeout = timeoutMs * 2;
  server.maxConnections = 16;
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    log.debug({ err: error }, 'metrics client error');
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(
        new CarpFailoverError(
          error.code === 'EADDRINUSE' ? 'SOCKET_IN_USE' : 'INTERNAL',
          `cannot listen for metrics on ${options.listen}: ${error.message}`,
          { cause: error, details: { listen: options.listen, errno: error.code } },
        ),
      );
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ host, port, exclusive: true });
  });
  server.on('error', (error) => log.error({ err: error }, 'metrics listener error'));

  const address = server.address() as AddressInfo;
  log.info({ host: address.address, port: address.port }, 'metrics listener started');
  let closing: Promise<void> | null = null;
  return {
    host: address.address,
    port: address.port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        server.closeAllConnections?.();
      });
      return closing;
    },
  };
}

function handle(request: IncomingMessage, response: ServerResponse, status: () => StatusReport, log: Logger): void {
  const path = (request.url ?? '/').split('?')[0];
  if (path !== '/metrics') {
    reply(response, 404, 'not found: metrics are at /metrics\n');
    return;
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('Allow', 'GET, HEAD');
    reply(response, 405, 'method not allowed: use GET\n');
    return;
  }
  let body: string;
  try {
    body = renderMetrics(status());
  } catch (error) {
    log.error({ err: error }, 'rendering metrics failed');
    reply(response, 500, 'metrics unavailable: see the service log\n');
    return;
  }
  response.writeHead(200, {
    'Content-Type': METRICS_CONTENT_TYPE,
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
  });
  response.end(request.method === 'HEAD' ? undefined : body);
}

function reply(response: ServerResponse, code: number, text: string): void {
  response.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text), Connection: 'close' });
  response.end(text);
}
