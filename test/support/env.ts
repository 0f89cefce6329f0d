// Why a privileged test cannot run here, or null when it can. Tests use it with
// describe.skipIf(reason !== null) and print the reason, so a skip is never silent.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

let cachedNetns: string | null | undefined;

/** Null when this process may create network namespaces, else the reason it may not. */
export function netnsUnavailable(): string | null {
  if (cachedNetns !== undefined) return cachedNetns;
  if (process.getuid?.() !== 0) return (cachedNetns = 'needs root (network namespaces)');
  try {
    const probe = `cfprobe${process.pid}`;
    execFileSync('ip', ['netns', 'add', probe], { stdio: 'ignore' });
    execFileSync('ip', ['netns', 'del', probe], { stdio: 'ignore' });
    cachedNetns = null;
  } catch (error) {
    cachedNetns = `ip netns add failed: ${(error as Error).message.split('\n')[0]}`;
  }
  return cachedNetns;
}

/** Null when FRR's daemons and vtysh are installed, else what is missing. */
export function frrUnavailable(): string | null {
  const missing = ['/usr/lib/frr/zebra', '/usr/lib/frr/ospfd', '/usr/bin/vtysh'].filter((path) => !existsSync(path));
  return missing.length ? `FRR not installed (${missing.join(', ')}); run scripts/setup.sh as root` : null;
}

/** The first reason among several, printed once so the skip is visible in the test output. */
export function skipReason(suite: string, ...reasons: Array<string | null>): string | null {
  const reason = reasons.find((r) => r !== null) ?? null;
  if (reason !== null) {
    if (process.env.CI === 'true') {
      // In CI these tests must run: a skip there is a broken set-up, not a pass.
      throw new Error(`${suite}: cannot run in CI: ${reason}`);
    }
    console.log(`SKIP ${suite}: ${reason}`);
  }
  return reason;
}
