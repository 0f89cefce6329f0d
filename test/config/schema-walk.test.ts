import { describe, expect, it } from 'vitest';
import { allKeyPaths, keysAt, suggestKey } from '../../src/config/schema-walk.js';

describe('schema-walk', () => {
  it('lists the keys allowed at a path, through defaults, arrays and unions', () => {
    expect(keysAt([])).toContain('node');
    expect(keysAt(['carp', 'vhids', 0])).toEqual(['vhid', 'interface']);
    expect(keysAt(['sockets', 'status'])).toEqual(['path', 'mode', 'group']);
    expect(keysAt(['ovh', 'ips', 3])).toEqual(['ip', 'strategy', 'service', 'vmac', 'interface', 'vm_name', 'restore_mac']);
    expect(keysAt(['node'])).toEqual([]);
    expect(keysAt(['nonsense', 'deeper'])).toEqual([]);
  });

  it('walks every key path of the schema once', () => {
    const paths = allKeyPaths();
    expect(new Set(paths).size).toBe(paths.length);
    for (const path of ['node', 'carp.vhids[].interface', 'sockets.status.group', 'gre.tunnels[].inner.prefixlen', 'ovh.ips[].vm_name', 'metrics.listen']) {
      expect(paths).toContain(path);
    }
  });

  it('suggests a close key and nothing for a far one', () => {
    expect(suggestKey('nod', ['node', 'carp'])).toBe('node');
    expect(suggestKey('Node', ['node', 'carp'])).toBe('node');
    expect(suggestKey('vhid', ['vhids', 'demotion'])).toBe('vhids');
    expect(suggestKey('provder_ms', ['local_ms', 'provider_ms'])).toBe('provider_ms');
    expect(suggestKey('zzzz', ['node', 'carp'])).toBeNull();
    expect(suggestKey('x', [])).toBeNull();
  });
});
