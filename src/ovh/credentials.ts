// The OVH credentials file, in the INI format of OVH's own SDKs (ovh.conf), so operators reuse
// what they have. It must be root-owned and mode 0600/0400; values never reach logs or errors.
import { readFile, stat } from 'node:fs/promises';
import ini from 'ini';
import { CarpFailoverError } from '../errors.js';
import { MIN_SECRET_LENGTH } from '../redact.js';
import { isEndpointName, OVH_ENDPOINTS, type OvhEndpointName } from './endpoints.js';
import { Secret } from './secret.js';

export interface LegacyCredentials {
  kind: 'legacy';
  endpoint: OvhEndpointName;
  /** The application key is an identifier, not a secret (it is sent in clear in every request). */
  applicationKey: string;
  applicationSecret: Secret;
  consumerKey: Secret;
}

export interface OAuth2Credentials {
  kind: 'oauth2';
  endpoint: OvhEndpointName;
  clientId: string;
  clientSecret: Secret;
}

export type OvhCredentials = LegacyCredentials | OAuth2Credentials;

/** How the file is checked; tests inject the owner check (they do not run as root). */
export interface CredentialsFileOptions {
  /** True when the file's owner is acceptable; default: uid 0. */
  ownerOk?: (uid: number) => boolean;
}

const SAFE_MODES = new Set([0o600, 0o400]);

/** Reads, checks and parses the file; throws CONFIG_UNREADABLE, SECRETS_UNSAFE or CONFIG_INVALID. */
export async function loadOvhCredentials(path: string, options: CredentialsFileOptions = {}): Promise<OvhCredentials> {
  let info;
  try {
    info = await stat(path);
  } catch (cause) {
    const reason = (cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : `cannot be read (${(cause as NodeJS.ErrnoException).code ?? 'error'})`;
    throw new CarpFailoverError('CONFIG_UNREADABLE', `OVH credentials file ${path} ${reason}`, { cause, details: { path } });
  }
  if (!info.isFile()) throw new CarpFailoverError('CONFIG_UNREADABLE', `OVH credentials file ${path} is not a regular file`, { details: { path } });
  checkOwnerAndMode(path, info.uid, info.mode & 0o7777, options.ownerOk ?? ((uid) => uid === 0));
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new CarpFailoverError('CONFIG_UNREADABLE', `OVH credentials file ${path} cannot be read`, { cause, details: { path } });
  }
  return parseOvhCredentials(text, path);
}

/** Refuses a file others could read or write, or that root does not own. */
export function checkOwnerAndMode(path: string, uid: number, mode: number, ownerOk: (uid: number) => boolean): void {
  const modeText = '0' + mode.toString(8).padStart(3, '0');
  if (!ownerOk(uid)) {
    throw new CarpFailoverError('SECRETS_UNSAFE', `OVH credentials file ${path} is owned by uid ${uid}, not root: run chown root:wheel ${path}`, {
      details: { path, uid },
    });
  }
  if (!SAFE_MODES.has(mode)) {
    throw new CarpFailoverError('SECRETS_UNSAFE', `OVH credentials file ${path} has mode ${modeText}; it must be 0600 or 0400: run chmod 600 ${path}`, {
      details: { path, mode: modeText },
    });
  }
}

/** Parses ovh.conf text: [default] endpoint=…, then the endpoint's section. Pure; for tests. */
export function parseOvhCredentials(text: string, path: string): OvhCredentials {
  let doc: Record<string, unknown>;
  try {
    doc = ini.parse(text) as Record<string, unknown>;
  } catch (cause) {
    throw invalid(path, 'is not a valid INI file', cause);
  }
  const defaults = section(doc, 'default');
  const endpoint = stringValue(defaults?.endpoint) ?? 'ovh-eu';
  if (!isEndpointName(endpoint)) {
    throw invalid(path, `names endpoint "${endpoint}" in [default]; supported: ${Object.keys(OVH_ENDPOINTS).join(', ')}`);
  }
  const keys = section(doc, endpoint);
  if (!keys) throw invalid(path, `has no [${endpoint}] section (the endpoint named in [default])`);
  const get = (name: string) => stringValue(keys[name]);
  const legacy = ['application_key', 'application_secret', 'consumer_key'] as const;
  const oauth2 = ['client_id', 'client_secret'] as const;
  // A secret this short cannot be told apart from ordinary text, so it could not be kept out of
  // logs if OVH quoted it back (src/redact.ts); OVH's own are 32 characters.
  const secret = (name: string): Secret => {
    const value = get(name)!;
    if (value.length < MIN_SECRET_LENGTH) throw invalid(path, `[${endpoint}] ${name} is ${value.length} characters long; OVH's are 32 (at least ${MIN_SECRET_LENGTH} accepted): check the value`);
    return new Secret(value);
  };
  const haveLegacy = legacy.filter((k) => get(k) !== undefined);
  const haveOauth2 = oauth2.filter((k) => get(k) !== undefined);
  if (haveOauth2.length === oauth2.length) {
    return { kind: 'oauth2', endpoint, clientId: get('client_id')!, clientSecret: secret('client_secret') };
  }
  if (haveLegacy.length === legacy.length) {
    return {
      kind: 'legacy',
      endpoint,
      applicationKey: get('application_key')!,
      applicationSecret: secret('application_secret'),
      consumerKey: secret('consumer_key'),
    };
  }
  const missing = haveOauth2.length > 0 ? oauth2.filter((k) => !haveOauth2.includes(k)) : legacy.filter((k) => !haveLegacy.includes(k));
  throw invalid(path, `[${endpoint}] is incomplete: missing ${missing.join(', ')} (need application_key, application_secret and consumer_key, or client_id and client_secret)`);
}

function section(doc: Record<string, unknown>, name: string): Record<string, unknown> | undefined {
  const value = doc[name];
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function stringValue(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

function invalid(path: string, what: string, cause?: unknown): CarpFailoverError {
  return new CarpFailoverError('CONFIG_INVALID', `OVH credentials file ${path} ${what}`, { cause, details: { path } });
}
