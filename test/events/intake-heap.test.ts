// Pushes 64 MiB of garbage through the intake socket of another process and measures its heap:
// the growth must stay far below what buffering the garbage would cost.
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ask, sendAndClose, tempSocketDir } from '../support/unix-client.js';

interface HeapReport {
  heapUsed: number;
  arrayBuffers: number;
  /** Highest heapUsed + arrayBuffers sampled since the previous report, without a collection. */
  peak: number;
  drops: number;
  events: number;
  logBytes: number;
}

const MiB = 1 << 20;
/** Heap kept after a collection once the flood is over. */
const GROWTH_LIMIT = 32 * MiB;
/** Highest heap seen during the flood, uncollected young-generation garbage included (~17 MiB here). */
const PEAK_LIMIT = 48 * MiB;

let child: ChildProcess;
let paths: { intake: string; status: string };
let cleanup: () => Promise<void>;

function request<T>(message: string): Promise<T> {
  return new Promise((resolve) => {
    child.once('message', (reply) => resolve(reply as T));
    child.send(message);
  });
}

beforeAll(async () => {
  const temp = await tempSocketDir();
  cleanup = temp.cleanup;
  child = fork(fileURLToPath(new URL('./heap-child.ts', import.meta.url)), [temp.dir], {
    execArgv: ['--expose-gc', '--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  paths = await new Promise((resolve, reject) => {
    child.once('message', (m) => resolve(m as { intake: string; status: string }));
    child.once('exit', (code) => reject(new Error(`heap child exited with ${code}`)));
  });
}, 30_000);

afterAll(async () => {
  if (child.connected) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.send('close');
    await exited;
  }
  await cleanup();
});

/** One MiB of one kind of garbage. */
function garbage(kind: number): Buffer {
  switch (kind % 5) {
    case 0:
      return randomBytes(MiB); // binary, a newline every 256 bytes on average
    case 1:
      return Buffer.alloc(MiB, 0x41); // one 1 MiB line that never ends
    case 2:
      return Buffer.concat([Buffer.alloc(MiB - 1, 0x7b), Buffer.from('\n')]); // an oversized "JSON" line
    case 3:
      return Buffer.from('!system=CARP subsystem=999@vmx0 type=MASTER\n'.repeat(Math.floor(MiB / 44))); // short bad lines
    default:
      return Buffer.alloc(MiB, Buffer.from([0xc3, 0x28, 0x0a])); // invalid UTF-8 lines
  }
}

describe('intake heap under 64 MiB of garbage', () => {
  it('stays bounded, keeps counting and keeps answering status', async () => {
    // Warm-up: JIT, buffer pools, the log limiter's first window.
    await Promise.all(Array.from({ length: 5 }, (_, i) => sendAndClose(paths.intake, garbage(i))));
    const before = await request<HeapReport>('heap');

    const connections = 64;
    const concurrent = 16;
    let statusAnswers = 0;
    for (let batch = 0; batch < connections / concurrent; batch++) {
      const floods = Array.from({ length: concurrent }, (_, i) => sendAndClose(paths.intake, garbage(batch * concurrent + i)));
      const reply = await ask(paths.status, { v: 1, cmd: 'ping' });
      if (reply.ok === true) statusAnswers++;
      await Promise.all(floods);
    }
    const after = await request<HeapReport>('heap');

    const base = before.heapUsed + before.arrayBuffers;
    const growth = after.heapUsed + after.arrayBuffers - base;
    const peakGrowth = after.peak - base;
    console.log(
      `intake heap: pushed ${connections} MiB over ${connections} connections; heapUsed ${mib(before.heapUsed)} → ${mib(after.heapUsed)} MiB, ` +
        `arrayBuffers ${mib(before.arrayBuffers)} → ${mib(after.arrayBuffers)} MiB, retained growth ${mib(growth)} MiB, peak growth during the flood ${mib(peakGrowth)} MiB (limits ${mib(GROWTH_LIMIT)} and ${mib(PEAK_LIMIT)}); ` +
        `${after.drops - before.drops} drops counted; log ${mib(after.logBytes - before.logBytes)} MiB`,
    );
    expect(growth).toBeLessThan(GROWTH_LIMIT);
    expect(peakGrowth).toBeLessThan(PEAK_LIMIT);
    expect(statusAnswers).toBe(connections / concurrent);
    expect(after.drops - before.drops).toBeGreaterThan(100_000);
    expect(after.events).toBe(0);
    // The log did not grow with the flood: rate-limited to a few lines per window.
    expect(after.logBytes - before.logBytes).toBeLessThan(64 * 1024);
    const statusReply = (await ask(paths.status, { v: 1, cmd: 'status' })) as { result: { counters: Record<string, number> } };
    expect(statusReply.result.counters.events_dropped).toBe(after.drops);
  }, 120_000);
});

function mib(bytes: number): string {
  return (bytes / MiB).toFixed(2);
}
