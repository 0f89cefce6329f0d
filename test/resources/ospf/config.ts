// A validated config for the OSPF tests, through the real schema.
import { configSchema, type Config } from '../../../src/config/schema.js';

export function ospfConfig(ospf: Record<string, unknown>, extra: Record<string, unknown> = {}): Config {
  return configSchema.parse({ node: 'router-001', carp: { vhids: [{ vhid: 1, interface: 'vtnet0' }] }, ospf: { vtysh: '/usr/local/bin/vtysh', ...ospf }, ...extra });
}
