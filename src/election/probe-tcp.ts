// The tcp probe: a TCP handshake to host:port with Node's net, closed at once. No command runs,
// so nothing reaches a shell or the allow-list; the address is an IP literal from the schema (no
// DNS on the failover path's neighbour, the check scheduler).
import { Socket, isIP } from 'node:net';
import { CarpFailoverError } from '../errors.js';
import { failedResult, type Probe } from './probe.js';

export interface TcpProbeOptions {
  host: string;
  port: number;
  timeoutMs: number;
}

/** A probe that succeeds when the handshake completes within timeoutMs. */
export function tcpProbe(options: TcpProbeOptions): Probe {
  if (isIP(options.host) === 0) {
    throw new CarpFailoverError('INVALID_NAME', `tcp check: ${JSON.stringify(options.host)} is not an IP address`, { details: { host: options.host } });
  }
  const where = isIP(options.host) === 6 ? `[${options.host}]:${options.port}` : `${options.host}:${options.port}`;
  return (signal) =>
    new Promise((resolve) => {
      const socket = new Socket();
      const done = (ok: boolean, detail: string) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        socket.destroy();
        resolve({ ok, detail });
      };
      const onAbort = () => done(false, `aborted connecting to ${where}`);
      const timer = setTimeout(() => done(false, `no answer from ${where} within ${options.timeoutMs} ms`), options.timeoutMs);
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      socket.once('connect', () => done(true, `connected to ${where}`));
      socket.once('error', (error) => {
        const code = (error as NodeJS.ErrnoException).code;
        if (code) done(false, `${code} connecting to ${where}`);
        else resolve(failedResult(error));
      });
      socket.connect({ host: options.host, port: options.port });
    });
}
