// `carp-failover release` against a fake service: the request it sends, on which socket, and
// what it prints and exits with for each answer; and the election lines of `status`.
import { afterEach, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/exit-codes.js';
import { formatElection } from '../../src/cli/format-election.js';
import { runCli } from '../../src/cli/main.js';
import type { ElectionStatus } from '../../src/election/check-status.js';
import { sampleStatus } from '../fakes/status-report.js';
import { ok, startFakeService, type FakeService } from './fake-service.js';

let service: FakeService | null = null;
afterEach(async () => {
  await service?.close();
  service = null;
});

async function cli(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const status = await runCli(argv, { stdout: (t: string) => void (stdout += t), stderr: (t: string) => void (stderr += t), isTTY: false }, {});
  return { status, stdout, stderr };
}

describe('carp-failover release', () => {
  it('sends `release` on the intake socket; exit 0 when a hold was released', async () => {
    service = await startFakeService((seen) => ok(seen, { released: true, report: { ...sampleStatus(), node: 'router-002' } }));
    const out = await cli(['-c', service.configPath, 'release']);
    expect(out).toEqual({ status: EXIT.OK, stdout: 'released: the failback demotion is removed; router-002 may take MASTER back (with preempt)\n', stderr: '' });
    expect(service.seen.map((s) => [s.socket, s.request.cmd])).toEqual([['intake', 'release']]);
  });

  it('exit 1 when nothing was held', async () => {
    service = await startFakeService((seen) => ok(seen, { released: false, report: { ...sampleStatus(), node: 'router-002' } }));
    const out = await cli(['-c', service.configPath, 'release']);
    expect(out).toEqual({ status: EXIT.FAILURE, stdout: 'nothing to release: router-002 holds no fail-back hold\n', stderr: '' });
  });

  it('names the service\'s refusal', async () => {
    service = await startFakeService((seen) => ({ reply: { version: 1, id: seen.request.id ?? null, ok: false, error: { code: 'UNKNOWN_COMMAND', message: 'unknown command "release"' } } }));
    const out = await cli(['-c', service.configPath, 'release']);
    expect(out.status).not.toBe(EXIT.OK);
    expect(out.stderr).toBe('release: carp-failover refused: UNKNOWN_COMMAND: unknown command "release"\n');
  });
});

describe('status: the election lines', () => {
  const now = Date.parse('2026-11-25T10:00:00.000Z');
  const election: ElectionStatus = {
    pathDemotion: 240,
    checks: [
      {
        name: 'upstream',
        type: 'icmp',
        target: '10.255.0.1 from 10.255.0.2',
        state: 'down',
        streak: -4,
        fall: 3,
        rise: 3,
        weight: 240,
        demotion: 240,
        lastResult: { ok: false, detail: 'no reply from 10.255.0.1', at: '2026-11-25T09:59:59.000Z', durationMs: 1000 },
        lastChangeAt: '2026-11-25T09:59:58.000Z',
        probing: false,
        probes: 40,
        failures: 4,
      },
    ],
    failback: { mode: 'hold', state: 'holding', reason: 'lost MASTER while demoted for path', since: '2026-11-25T09:58:00.000Z', readySince: '2026-11-25T09:59:00.000Z', until: '2026-11-25T10:04:00.000Z', demotion: 240 },
  };

  it('shows the hold with its end, and each check with its state, streak and share', () => {
    const text = formatElection(election, now).join('\n');
    expect(text).toContain('failback   hold, HELD (240) until 2026-11-25T10:04:00.000Z (in 4m00s): lost MASTER while demoted for path');
    expect(text).toContain('paths      path demotion 240');
    expect(text).toMatch(/upstream +icmp +10\.255\.0\.1 from 10\.255\.0\.2 +DOWN +4 failed +3\/3 +240 +FAIL no reply from 10\.255\.0\.1 \(1\.0 s\)/);
  });

  it('says when nothing is held or configured, and when manual waits for release', () => {
    expect(formatElection({ pathDemotion: 0, checks: [], failback: { ...election.failback, mode: 'auto', state: 'idle', reason: null, until: null, demotion: 0 } }, now)).toEqual([
      'failback   auto, nothing held',
      'paths      no path checks configured',
    ]);
    const manual = formatElection({ ...election, failback: { ...election.failback, mode: 'manual', until: null } }, now)[0];
    expect(manual).toBe('failback   manual, HELD (240) until `carp-failover release` (ready since 2026-11-25T09:59:00.000Z (1m00s ago)): lost MASTER while demoted for path');
  });
});
