// docs/configuration.md is the operator's reference: prove its example loads, that the example
// file and the markdown agree, that every schema key has a row and every row's default is the
// schema's real default.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfigText } from '../../src/config/load.js';
import { formatMode } from '../../src/config/print.js';
import { allKeyPaths } from '../../src/config/schema-walk.js';

const root = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const markdown = readFileSync(root('docs/configuration.md'), 'utf8');
const exampleFile = root('docs/examples/carp-failover.yaml');

/** The rows of every key table: key → cells [type, default, meaning]. */
function rows(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of markdown.split('\n')) {
    const match = /^\| `([^`]+)` \|(.*)\|$/.exec(line);
    if (match === null) continue;
    out.set(match[1]!, match[2]!.split(' | ').map((cell) => cell.trim()));
  }
  return out;
}

function yamlBlocks(): string[] {
  return [...markdown.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

describe('docs/configuration.md', () => {
  it('the example file is a valid configuration for router-002', async () => {
    const config = await loadConfig(exampleFile);
    expect(config.node).toBe('router-002');
    expect(config.carp.vhids).toEqual([
      { vhid: 1, interface: 'vmx0' },
      { vhid: 2, interface: 'vmx1' },
    ]);
    expect(config.gre.tunnels.map((t) => t.interface)).toEqual(['gre0', 'gre1']);
    expect(config.ospf.interfaces.map((i) => i.interface)).toEqual(['gre0', 'gre1']);
    expect(config.ovh.ips).toHaveLength(1);
    expect(config.ovh.ips[0]!.strategy).toBe('shared-vmac');
  });

  it('every YAML block of the markdown is valid, and the full one is the example file', () => {
    const blocks = yamlBlocks();
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    for (const block of blocks) expect(parseConfigText(block, 'docs/configuration.md').node).toBe('router-002');
    expect(blocks).toContain(readFileSync(exampleFile, 'utf8'));
  });

  it('documents every key of the schema', () => {
    const documented = rows();
    const missing = allKeyPaths().filter((path) => !documented.has(path));
    expect(missing).toEqual([]);
  });

  it('documents no key the schema does not have', () => {
    const known = new Set(allKeyPaths());
    expect([...rows().keys()].filter((key) => !known.has(key))).toEqual([]);
  });

  it("states each key's real default", () => {
    const defaults = parseConfigText('node: r\ncarp: {vhids: [{vhid: 1, interface: vmx0}]}\n', 'minimal.yaml');
    const checked: string[] = [];
    for (const [key, cells] of rows()) {
      if (key.includes('[]') || ['node', 'carp', 'carp.vhids'].includes(key)) continue;
      let value: unknown = defaults;
      for (const part of key.split('.')) value = (value as Record<string, unknown>)[part];
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        expect(cells[1], key).toBe('all defaults');
        continue;
      }
      const shown = key.startsWith('sockets.') && key.endsWith('.mode') ? `\`"${formatMode(value as number)}"\`` : `\`${Array.isArray(value) ? JSON.stringify(value) : String(value)}\``;
      expect(cells[1], key).toBe(shown);
      checked.push(key);
    }
    expect(checked.length).toBeGreaterThan(40);
  });

  it('marks the keys without a default as required or optional', () => {
    const documented = rows();
    for (const key of ['node', 'carp', 'carp.vhids', 'carp.vhids[].vhid', 'ospf.interfaces[].cost.master', 'ovh.ips[].ip']) {
      expect(documented.get(key)?.[1], key).toBe('required');
    }
    for (const key of ['gre.tunnels[].tunnel', 'gre.tunnels[].inner.prefixlen']) {
      expect(documented.get(key)?.[1], key).toBe('—');
    }
  });
});
