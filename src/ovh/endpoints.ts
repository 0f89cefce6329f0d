// OVH API regions: REST base and OAuth2 token URL (reference/ovh-api.md §1).

export type OvhEndpointName = 'ovh-eu' | 'ovh-ca' | 'ovh-us';

export interface OvhEndpoint {
  baseUrl: string;
  tokenUrl: string;
}

export const OVH_ENDPOINTS: Readonly<Record<OvhEndpointName, OvhEndpoint>> = {
  'ovh-eu': { baseUrl: 'https://eu.api.ovh.com/1.0', tokenUrl: 'https://www.ovh.com/auth/oauth2/token' },
  'ovh-ca': { baseUrl: 'https://ca.api.ovh.com/1.0', tokenUrl: 'https://ca.ovh.com/auth/oauth2/token' },
  'ovh-us': { baseUrl: 'https://api.us.ovhcloud.com/1.0', tokenUrl: 'https://us.ovhcloud.com/auth/oauth2/token' },
};

export function isEndpointName(name: string): name is OvhEndpointName {
  return Object.hasOwn(OVH_ENDPOINTS, name);
}

/**
 * The URLs to use: the endpoint's, or with config.ovh.base_url (the mock) the base replaced and
 * the token URL taken at that origin's /auth/oauth2/token.
 */
export function resolveEndpoint(name: OvhEndpointName, baseUrlOverride: string | null): OvhEndpoint {
  if (baseUrlOverride === null) return OVH_ENDPOINTS[name];
  const base = new URL(baseUrlOverride);
  return { baseUrl: baseUrlOverride.replace(/\/+$/, ''), tokenUrl: new URL('/auth/oauth2/token', base.origin).toString() };
}
