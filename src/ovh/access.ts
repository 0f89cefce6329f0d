// The OVH calls a configuration needs, each with the legacy access rule and the IAM action that
// allow it: `ovh check` verifies them and docs/ovh.md lists them.
import type { Config } from '../config/schema.js';
import { ovhPath } from './client.js';

export interface RequiredCall {
  method: 'GET' | 'POST' | 'DELETE';
  /** The concrete path sent (below the base), segments encoded. */
  path: string;
  /** The minimal legacy access rule covering it ('*' matches anything). */
  rule: string;
  /** The IAM action an OAuth2 service account needs. */
  iam: string;
  why: string;
}

/** Every call the daemon (and `ovh check`) makes for the configured failover IPs. */
export function requiredCalls(config: Config): RequiredCall[] {
  const calls: RequiredCall[] = [];
  const add = (call: RequiredCall) => {
    if (!calls.some((c) => c.method === call.method && c.path === call.path)) calls.push(call);
  };
  for (const ip of config.ovh.ips) {
    if (ip.strategy === 'move') {
      add({ method: 'GET', path: ovhPath`/ip/${ip.ip}`, rule: '/ip/*', iam: 'ip:apiovh:get', why: `read where ${ip.ip} is routed` });
      add({ method: 'GET', path: ovhPath`/ip/${ip.ip}/task`, rule: '/ip/*', iam: 'ip:apiovh:task/get', why: 'find pending tasks' });
      add({ method: 'GET', path: ovhPath`/ip/${ip.ip}/task/${0}`, rule: '/ip/*', iam: 'ip:apiovh:task/get', why: 'poll a task' });
      add({ method: 'GET', path: ovhPath`/ip/${ip.ip}/move`, rule: '/ip/*', iam: 'ip:apiovh:move/get', why: `check ${ip.service} is a destination (ovh check)` });
      add({ method: 'POST', path: ovhPath`/ip/${ip.ip}/move`, rule: '/ip/*/move', iam: 'ip:apiovh:move', why: `route ${ip.ip} to ${ip.service}` });
    } else {
      const sn = ip.service;
      const address = ip.ip.replace(/\/32$/, '');
      add({ method: 'GET', path: ovhPath`/dedicated/server/${sn}/virtualMac`, rule: '/dedicated/server/*', iam: 'dedicatedServer:apiovh:virtualMac/get', why: 'list the vMACs' });
      add({ method: 'GET', path: ovhPath`/dedicated/server/${sn}/virtualMac/${ip.vmac}/virtualAddress`, rule: '/dedicated/server/*', iam: 'dedicatedServer:apiovh:virtualMac/virtualAddress/get', why: 'read which IPs a vMAC holds' });
      add({ method: 'GET', path: ovhPath`/dedicated/server/${sn}/task`, rule: '/dedicated/server/*', iam: 'dedicatedServer:apiovh:task/get', why: 'find pending tasks' });
      add({ method: 'GET', path: ovhPath`/dedicated/server/${sn}/task/${0}`, rule: '/dedicated/server/*', iam: 'dedicatedServer:apiovh:task/get', why: 'poll a task' });
      add({ method: 'POST', path: ovhPath`/dedicated/server/${sn}/virtualMac/${ip.vmac}/virtualAddress`, rule: '/dedicated/server/*/virtualMac/*/virtualAddress', iam: 'dedicatedServer:apiovh:virtualMac/virtualAddress/create', why: `bind ${address} to our vMAC` });
      add({ method: 'DELETE', path: ovhPath`/dedicated/server/${sn}/virtualMac/${'00:00:00:00:00:00'}/virtualAddress/${address}`, rule: '/dedicated/server/*/virtualMac/*/virtualAddress/*', iam: 'dedicatedServer:apiovh:virtualMac/virtualAddress/delete', why: `take ${address} off the peer's vMAC` });
    }
  }
  return calls;
}

/** True when a legacy access rule (method + path with '*') covers the call. */
export function ruleCovers(rule: { method: string; path: string }, call: { method: string; path: string }): boolean {
  if (rule.method !== call.method) return false;
  const re = new RegExp('^' + rule.path.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$');
  return re.test(call.path) || re.test(decodeURIComponent(call.path));
}
