// A second instance changes nothing (issue 14 item 1): instances started together, 20 times over,
// on one state directory and one file-backed kernel whose demotion writes add and are not clamped
// (ip_carp.c). Each time exactly one wins, and the kernel's counter equals what the winner recorded
// as its own: a loser never wrote to it, nor to the state files or the sockets.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FakeFreeBsd } from './support/fake-freebsd.js';
import { request, startDaemon, waitFor, type DaemonProcess } from './support/daemon-process.js';
import { daemonConfigText } from './support/daemon-config.js';

const ROUNDS = 20;
const dir = mkdtempSync(join(tmpdir(), 'cf-instance-'));
const stateDir = join(dir, 'state');
const statusSock = join(dir, 'status.sock');
const bsd = new FakeFreeBsd({ carp: { vmx0: { '1': 'BACKUP' } }, gre: { gre0: false }, demotion: 0, preempt: 1, allow: 1 });
const configPath = join(dir, 'carp-failover.yaml');
writeFileSync(
  configPath,
  daemonConfigText({ dir, statusSock, stateDir: stateDir, bsd, extra: `gre:
  tunnels: [{ interface: gre0 }]
` }),
);

/** Our recorded contributions, summed, as the winner left them in demotion.json. */
function recordedTotal(): number {
  const record = JSON.parse(readFileSync(join(stateDir, 'demotion.json'), 'utf8')) as { ours: Record<string, number> };
  return Object.values(record.ours).reduce((a, b) => a + b, 0);
}

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  bsd.remove();
});

describe('single instance, decided before any write', () => {
  it(`two instances started together, ${ROUNDS} times: one winner, kernel demotion = the winner's record`, async () => {
    // A drain left on disk: every winner holds maintenance demotion, so a loser releasing
    // "its" share would show as a kernel counter below the record.
    mkdirSync(stateDir, { mode: 0o750 });
    writeFileSync(join(stateDir, 'drain'), '');
    const outcomes: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const pair: DaemonProcess[] = [startDaemon(configPath), startDaemon(configPath)];
      try {
        const loserCode = await Promise.race(pair.map((d, i) => d.exited.then((code) => ({ code, i }))));
        const winner = pair[1 - loserCode.i]!;
        expect(loserCode.code, pair[loserCode.i]!.output()).toBe(75);
        const report = await waitFor('the winner to answer', async () => {
          const r = (await request(statusSock, { cmd: 'status' })).result;
          return r.pid === winner.child.pid && r.lastReconcile ? r : null;
        }, 30_000);
        const ours = Object.values(report.demotion.ours as Record<string, number>).reduce((a, b) => a + b, 0);
        expect(bsd.read().demotion).toBe(ours);
        winner.child.kill('SIGTERM');
        expect(await winner.exited).toBe(0);
        expect(bsd.read().demotion).toBe(recordedTotal());
        outcomes.push(`${loserCode.i === 0 ? 'b' : 'a'} won, kernel ${bsd.read().demotion}`);
      } finally {
        for (const d of pair) if (d.child.exitCode === null) d.child.kill('SIGKILL');
      }
    }
    console.log(`${ROUNDS} rounds: ${outcomes.join('; ')}; writes ${JSON.stringify(bsd.read().writes)}`);
    expect(outcomes).toHaveLength(ROUNDS);
  }, 600_000);
});
