// OVH's legacy request signature (X-Ovh-Signature), exactly as node-ovh computes it, so a request
// we sign is accepted wherever an SDK's would be.
import { createHash } from 'node:crypto';

export interface SignatureInput {
  applicationSecret: string;
  consumerKey: string;
  /** Upper-case HTTP method. */
  method: string;
  /** The URL as signed: see signatureUrl(). */
  url: string;
  /** The exact body bytes sent, "" when there is none. */
  body: string;
  /** Unix seconds; must equal the X-Ovh-Timestamp header. */
  timestamp: number;
}

/** "$1$" + sha1 hex of AS+CK+METHOD+URL+BODY+TS joined by "+". */
export function signRequest(input: SignatureInput): string {
  const text = [input.applicationSecret, input.consumerKey, input.method, input.url, input.body, String(input.timestamp)].join('+');
  return '$1$' + createHash('sha1').update(text, 'utf8').digest('hex');
}

/**
 * The URL node-ovh signs: 'https://' + host (no port) + base path + path and query. A client
 * pointed at http://127.0.0.1:8080/1.0 therefore signs https://127.0.0.1/1.0/…; the mock
 * rebuilds it the same way.
 */
export function signatureUrl(baseUrl: string | URL, pathAndQuery: string): string {
  const base = typeof baseUrl === 'string' ? new URL(baseUrl) : baseUrl;
  const basePath = base.pathname.replace(/\/+$/, '');
  return `https://${base.hostname}${basePath}${pathAndQuery}`;
}

/**
 * JSON as node-ovh sends it: compact, with every non-ASCII UTF-16 unit escaped as \uXXXX, so
 * the bytes on the wire are the bytes signed.
 */
export function ovhJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u0080-\uffff]/g, (ch) => '\\u' + ch.charCodeAt(0).toString(16).padStart(4, '0'));
}
