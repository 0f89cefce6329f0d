import { describe, expect, it, vi } from 'vitest';

const runDaemon = vi.fn(async () => 0);
vi.mock('../../../src/daemon.js', () => ({ runDaemon }));
const { runCli } = await import('../../../src/cli/main.js');

describe('run', () => {
  it('starts the daemon with the resolved config path and exits with its status', async () => {
    const io = { stdout: () => undefined, stderr: () => undefined, isTTY: false };
    runDaemon.mockResolvedValueOnce(0);
    expect(await runCli(['run', '-c', '/etc/cf.yaml'], io, {})).toBe(0);
    expect(runDaemon).toHaveBeenLastCalledWith({ configPath: '/etc/cf.yaml' });
    runDaemon.mockResolvedValueOnce(78);
    expect(await runCli(['run'], io, { CARP_FAILOVER_CONFIG: '/env.yaml' })).toBe(78);
    expect(runDaemon).toHaveBeenLastCalledWith({ configPath: '/env.yaml' });
  });
});
