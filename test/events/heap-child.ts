// The intake and status sockets in a process of their own, started with --expose-gc by
// intake-heap.test.ts so that it can measure heap growth while garbage is pushed through.
// Speaks to its parent over the fork IPC channel: 'heap' → collected heap numbers, 'close' → exit.
import { Writable } from 'node:stream';
import { join } from 'node:path';
import pino from 'pino';
import { startIntakeSocket } from '../../src/events/intake-socket.js';
import { startStatusSocket } from '../../src/control/status-socket.js';
import { FakeServiceApi } from '../fakes/service-api.js';

const dir = process.argv[2]!;
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc || !process.send) throw new Error('run me with fork() and --expose-gc');

let logBytes = 0;
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    logBytes += chunk.length;
    done();
  },
});
const log = pino({ level: 'info' }, sink);
const api = new FakeServiceApi();
const options = { mode: 0o600, maxClients: 32, idleTimeoutMs: 10_000, api, log };
const intake = await startIntakeSocket({ ...options, path: join(dir, 'intake.sock'), followed: () => [{ vhid: 1, interface: 'vmx0' }] });
const status = await startStatusSocket({ ...options, path: join(dir, 'status.sock'), group: null });

// The peak between two 'heap' requests, sampled without collecting: what a flood costs while it lasts.
let peak = 0;
const sampler = setInterval(() => {
  const usage = process.memoryUsage();
  peak = Math.max(peak, usage.heapUsed + usage.arrayBuffers);
}, 2);

process.on('message', (message: string) => {
  if (message === 'heap') {
    gc();
    gc();
    const usage = process.memoryUsage();
    const report = { heapUsed: usage.heapUsed, arrayBuffers: usage.arrayBuffers, peak, drops: api.totalDrops(), events: api.events.length, logBytes };
    peak = 0;
    process.send!(report);
  } else if (message === 'close') {
    clearInterval(sampler);
    void Promise.all([intake.close(), status.close()]).then(() => process.exit(0));
  }
});
process.send({ ready: true, intake: intake.path, status: status.path });
