// `check-config --host`: gathers the host checks each module exports and runs them against a
// real Host allowed only the config's commands. A check that throws becomes an error finding.
import { hostForConfig } from '../host/run.js';
import type { HostCheck } from '../host/host-check.js';
import type { Host } from '../host/ports.js';
import type { Config } from '../config/schema.js';

/** One module's host checks. */
export interface HostChecker {
  name: string;
  check(config: Config, host: Host): Promise<HostCheck[]>;
}

/** The Host check-config uses: the daemon's own (src/host/run.ts hostForConfig). */
export const hostForChecks: (config: Config) => Host = hostForConfig;

/** Runs every checker; one failing checker does not hide the others' findings. */
export async function runHostChecks(config: Config, host: Host, checkers: readonly HostChecker[]): Promise<HostCheck[]> {
  const results = await Promise.all(
    checkers.map(async (checker): Promise<HostCheck[]> => {
      try {
        return await checker.check(config, host);
      } catch (error) {
        return [{ name: checker.name, ok: false, level: 'error', message: `the check itself failed: ${(error as Error).message}` }];
      }
    }),
  );
  return results.flat();
}
