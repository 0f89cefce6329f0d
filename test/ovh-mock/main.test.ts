// The standalone mock: prints its URL, serves the API and the admin routes, reports binding
// changes on stdout, and stops when asked.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { moveWorld, SERVER_A, IP } from './fixtures.js';

describe('test/ovh-mock/main.ts', () => {
  it('prints its URL, reports binding changes, and takes admin commands', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cf-ovh-mock-'));
    const stateFile = join(dir, 'state.json');
    writeFileSync(stateFile, JSON.stringify(moveWorld()));
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/ovh-mock/main.ts', '--port', '0', '--state', stateFile, '--tick-ms', '20'], { stdio: ['pipe', 'pipe', 'inherit'] });
    try {
      const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
      const url = (await lines.next()).value as string;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/1\.0$/);
      const origin = new URL(url).origin;
      const time = await fetch(`${url}/auth/time`);
      expect(Number(await time.text())).toBeGreaterThan(1_700_000_000);
      const post = (path: string, body: unknown) => fetch(origin + path, { method: 'POST', body: JSON.stringify(body) });
      expect((await post('/_mock/route', { ip: IP, routedTo: SERVER_A })).status).toBe(200);
      const event = JSON.parse((await lines.next()).value as string) as Record<string, unknown>;
      expect(event).toMatchObject({ event: 'binding', ip: IP, target: SERVER_A, kind: 'routedTo' });
      expect((await post('/_mock/faults', { kind: 'status', status: 503, times: 1 })).status).toBe(200);
      expect((await fetch(`${url}/ip`)).status).toBe(503);
      const log = (await (await fetch(`${origin}/_mock/requests`)).json()) as Array<{ status: number }>;
      expect(log.map((r) => r.status)).toEqual([200, 503]);
      const state = (await (await fetch(`${origin}/_mock/state`)).json()) as { ips: Record<string, { routedTo: string }> };
      expect(state.ips[IP]!.routedTo).toBe(SERVER_A);
    } finally {
      child.stdin!.end();
      await new Promise((resolve) => child.on('exit', resolve));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
