// The metrics listen address: one parser for the schema (check-config, run, SIGHUP) and the
// listener, so that what check-config accepts is exactly what the daemon can bind.
import { isIP } from 'node:net';

/** A parsed loopback host:port. */
export interface LoopbackListen {
  host: string;
  port: number;
}

/** Parses "127.0.0.1:9807", "[::1]:9807" or "localhost:9807"; returns why not when it is not one. */
export function parseLoopbackListen(listen: string): LoopbackListen | { problem: string } {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(listen);
  if (!match) return { problem: 'must be host:port, e.g. 127.0.0.1:9807 or [::1]:9807' };
  const rawHost = (match[1] ?? match[2])!;
  const port = Number(match[3]);
  if (!Number.isInteger(port) || port > 65535) return { problem: `the port must be 0-65535 (0: any free port), got ${match[3]}` };
  // localhost is pinned to 127.0.0.1: a resolver answer must not decide what we expose.
  const host = rawHost === 'localhost' ? '127.0.0.1' : rawHost;
  if (!isLoopback(host)) return { problem: 'only a loopback address (127.0.0.0/8, ::1, localhost) may serve metrics' };
  return { host, port };
}

function isLoopback(host: string): boolean {
  const family = isIP(host);
  if (family === 4) return host.split('.')[0] === '127';
  if (family === 6) {
    const lower = host.toLowerCase();
    if (lower === '::1' || lower === '0:0:0:0:0:0:0:1') return true;
    // IPv4-mapped loopback ::ffff:127.x.y.z
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
    return mapped !== null && isLoopback(mapped[1]!);
  }
  return false;
}
