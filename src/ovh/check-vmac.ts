// `check-config --host` for shared-vmac at OVH: the shared vMAC exists on the server and holds
// the failover IP. Read only; one finding per entry. Skipped (no finding) without shared-vmac.
import pino from 'pino';
import type { Dispatcher } from 'undici';
import type { Config } from '../config/schema.js';
import { summarizeError } from '../errors.js';
import type { HostCheck } from '../host/host-check.js';
import { systemClock } from '../host/ports.js';
import { ovhPath, OvhClient } from './client.js';
import { loadOvhCredentials, type CredentialsFileOptions } from './credentials.js';

/** Each shared-vmac entry: its vMAC listed on the server and holding its IP. */
export async function checkSharedVmacAtOvh(config: Config, options: { credentialsFile?: CredentialsFileOptions; dispatcher?: Dispatcher } = {}): Promise<HostCheck[]> {
  const entries = config.ovh.ips.filter((ip) => ip.strategy === 'shared-vmac');
  if (entries.length === 0) return [];
  let client: OvhClient;
  try {
    const credentials = await loadOvhCredentials(config.ovh.credentials, options.credentialsFile);
    client = new OvhClient({ credentials, baseUrl: config.ovh.base_url, timeoutMs: config.ovh.timeout_ms, clock: systemClock, log: pino({ level: 'silent' }), dispatcher: options.dispatcher, maxCallsPerMinute: 50 });
  } catch (error) {
    // The secrets check already names the file problem; say why this one was not run.
    return [{ name: 'shared vMAC at OVH', ok: false, level: 'error', message: `not checked: ${summarizeError(error).message}` }];
  }
  const checks: HostCheck[] = [];
  for (const entry of entries) {
    const name = `shared vMAC ${entry.vmac} at OVH`;
    const address = entry.ip.replace(/\/32$/, '');
    try {
      const macs = (await client.get<string[]>(ovhPath`/dedicated/server/${entry.service}/virtualMac`)).map((m) => m.toLowerCase());
      if (!macs.includes(entry.vmac)) {
        checks.push({ name, ok: false, level: 'error', message: `not a vMAC of ${entry.service} (it has ${macs.length ? macs.join(', ') : 'none'}): run carp-failover ovh vmac create --shared` });
        continue;
      }
      const ips = await client.get<string[]>(ovhPath`/dedicated/server/${entry.service}/virtualMac/${entry.vmac}/virtualAddress`);
      checks.push(
        ips.includes(address)
          ? { name, ok: true, level: 'error', message: `on ${entry.service}, holds ${address}` }
          : { name, ok: false, level: 'error', message: `on ${entry.service} but does not hold ${address} (holds ${ips.join(', ') || 'nothing'}): the MASTER repairs the binding; see carp-failover ovh status` },
      );
    } catch (error) {
      checks.push({ name, ok: false, level: 'error', message: `cannot read from OVH: ${summarizeError(error).message}` });
    }
  }
  return checks;
}
