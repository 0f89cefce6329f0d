// What every `carp-failover ovh …` command starts from: the config, the credentials (with the
// same owner/mode rules as the daemon) and a client. Injectable for tests.
import pino from 'pino';
import type { Dispatcher } from 'undici';
import { loadConfig } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import { systemClock, type Clock } from '../../host/ports.js';
import { OvhClient } from '../../ovh/client.js';
import { loadOvhCredentials, type CredentialsFileOptions, type OvhCredentials } from '../../ovh/credentials.js';
import type { CommandContext } from '../command-spec.js';
import { configPathOf } from './context.js';

export interface OvhCommandDeps {
  clock?: Clock;
  dispatcher?: Dispatcher;
  credentialsFile?: CredentialsFileOptions;
  /** Seconds between task polls in `ovh vmac create`. */
  pollMs?: number;
}

export interface OvhSession {
  config: Config;
  credentials: OvhCredentials;
  client: OvhClient;
  clock: Clock;
}

export async function openOvhSession(ctx: CommandContext, deps: OvhCommandDeps): Promise<OvhSession> {
  const config = await loadConfig(configPathOf(ctx));
  const credentials = await loadOvhCredentials(config.ovh.credentials, deps.credentialsFile);
  const clock = deps.clock ?? systemClock;
  const client = new OvhClient({
    credentials,
    baseUrl: config.ovh.base_url,
    timeoutMs: config.ovh.timeout_ms,
    clock,
    // The CLI prints its own findings; call logs stay out of the operator's terminal.
    log: pino({ level: 'silent' }),
    dispatcher: deps.dispatcher,
    maxCallsPerMinute: 50,
  });
  return { config, credentials, client, clock };
}
