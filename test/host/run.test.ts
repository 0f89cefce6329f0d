import { describe, expect, it } from 'vitest';
import { createHost } from '../../src/host/run.js';
import { CommandError } from '../../src/host/command-error.js';
import { CarpFailoverError } from '../../src/errors.js';

const host = createHost({ allowed: ['/bin/echo', '/bin/sh', '/bin/sleep', '/bin/cat', '/bin/false'], defaultTimeoutMs: 2000 });

describe('createHost', () => {
  it('passes arguments verbatim, with no shell to interpret them', async () => {
    const result = await host.run(['/bin/echo', 'em0;reboot', '$(id)', '`x`']);
    expect(result.stdout).toBe('em0;reboot $(id) `x`\n');
  });

  it('refuses a binary that is not on the allow-list before running anything', async () => {
    await expect(host.run(['/usr/bin/id'])).rejects.toMatchObject({ code: 'COMMAND_NOT_ALLOWED' });
    await expect(host.run([])).rejects.toBeInstanceOf(CarpFailoverError);
  });

  it('keeps exit code and stderr of a failing command', async () => {
    const error = await host.run(['/bin/sh', '-c', 'echo bad >&2; exit 3']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandError);
    expect((error as CommandError).details).toMatchObject({ exitCode: 3, stderr: 'bad', timedOut: false });
    expect((error as CommandError).code).toBe('COMMAND_FAILED');
  });

  it('kills a command that outlives its timeout', async () => {
    const error = await host.run(['/bin/sleep', '5'], { timeoutMs: 100 }).catch((e: unknown) => e);
    expect((error as CommandError).code).toBe('COMMAND_TIMEOUT');
    expect((error as CommandError).details.timedOut).toBe(true);
  });

  it('writes input to stdin', async () => {
    expect((await host.run(['/bin/cat'], { input: 'hello' })).stdout).toBe('hello');
  });
});
