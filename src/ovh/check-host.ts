// `check-config --host` for OVH: the credentials file is there, root-owned, mode 0600/0400,
// parses, and holds a complete credential set. Only when failover IPs are configured.
import type { Config } from '../config/schema.js';
import { CarpFailoverError } from '../errors.js';
import type { HostCheck } from '../host/host-check.js';
import { loadOvhCredentials, type CredentialsFileOptions } from './credentials.js';

/** One finding per step, stopping at the first failure (later steps would only repeat it). */
export async function checkOvhSecrets(config: Config, options: CredentialsFileOptions = {}): Promise<HostCheck[]> {
  if (config.ovh.ips.length === 0) return [];
  const path = config.ovh.credentials;
  const name = `OVH credentials ${path}`;
  try {
    const credentials = await loadOvhCredentials(path, options);
    const what = credentials.kind === 'legacy' ? 'application key/secret + consumer key' : 'OAuth2 client id/secret';
    return [{ name, ok: true, level: 'error', message: `root-owned, private, ${what} for ${credentials.endpoint}` }];
  } catch (error) {
    if (error instanceof CarpFailoverError) return [{ name, ok: false, level: 'error', message: error.message }];
    throw error;
  }
}
