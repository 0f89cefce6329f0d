// `engines` tells the truth: every package the bundle carries (package-lock's non-dev entries)
// runs on the oldest Node package.json allows, and on the Node majors FreeBSD ships for routers
// (node22, node24); the runtime majors match docs/dependencies.md.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(`${repo}package.json`, 'utf8')) as { engines: { node: string }; dependencies: Record<string, string> };
const lock = JSON.parse(readFileSync(`${repo}package-lock.json`, 'utf8')) as {
  packages: Record<string, { version: string; dev?: boolean; engines?: { node?: string } | string[] }>;
};

type Version = [number, number, number];
const parseVersion = (text: string): Version => {
  const parts = text.replace(/\.x$/, '').split('.').map(Number);
  return [parts[0] ?? 0, parts[1] ?? 0, parts[2] ?? 0];
};
const compare = (a: Version, b: Version) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

/** npm engine ranges as packages write them: ">=X", ">= X", "^X", alternatives joined by "||". */
function satisfies(version: string, range: string): boolean {
  const v = parseVersion(version);
  return range.split('||').some((alternative) => {
    const text = alternative.trim();
    const ge = /^>=\s*(\d+(?:\.\d+|\.x)*)$/.exec(text);
    if (ge) return compare(v, parseVersion(ge[1]!)) >= 0;
    const caret = /^\^(\d+(?:\.\d+)*)$/.exec(text);
    if (caret) {
      const base = parseVersion(caret[1]!);
      return v[0] === base[0] && compare(v, base) >= 0;
    }
    throw new Error(`engine range "${range}" has a form this test does not read: add it`);
  });
}

const runtime = Object.entries(lock.packages)
  .filter(([path, entry]) => path !== '' && entry.dev !== true)
  .map(([path, entry]) => ({ name: path.replace(/^.*node_modules\//, ''), version: entry.version, node: Array.isArray(entry.engines) ? undefined : entry.engines?.node }));
const oldest = /^>=(\d+\.\d+\.\d+)$/.exec(pkg.engines.node)?.[1];

describe('engines', () => {
  it('package.json says the oldest Node as a plain minimum', () => {
    expect(oldest).toBeDefined();
  });

  it('the range reader reads what it claims', () => {
    expect(satisfies('20.19.0', '^20.17.0 || >=22.9.0')).toBe(true);
    expect(satisfies('22.8.0', '^20.17.0 || >=22.9.0')).toBe(false);
    expect(satisfies('20.18.0', '>= 20.19.0')).toBe(false);
    expect(satisfies('24.0.0', '>= 10.x')).toBe(true);
  });

  it.each(['oldest allowed', '22.12.0', '24.0.0'])('every bundled package runs on Node %s', (label) => {
    const version = label === 'oldest allowed' ? oldest! : label;
    const refused = runtime.filter((p) => p.node !== undefined && !satisfies(version, p.node)).map((p) => `${p.name}@${p.version} (${p.node})`);
    expect(refused).toEqual([]);
  });

  it('the oldest Node allowed is no lower than what some bundled package needs (engines is not loose)', () => {
    const needs = runtime.filter((p) => p.node !== undefined && !satisfies(lowerPatch(oldest!), p.node!));
    expect(needs.length).toBeGreaterThan(0);
  });

  it('the runtime majors are those docs/dependencies.md gives', () => {
    const doc = readFileSync(`${repo}docs/dependencies.md`, 'utf8');
    for (const [name, range] of Object.entries(pkg.dependencies)) {
      const major = /^\^(\d+)\./.exec(range)?.[1];
      expect(major, `${name} ${range}`).toBeDefined();
      const row = doc.split('\n').find((line) => line.startsWith('| ') && line.split('|')[1]!.includes(name));
      expect(row, `${name} in docs/dependencies.md`).toBeDefined();
      expect(row!.split('|')[2]).toMatch(new RegExp(`\\b${major}\\b`));
    }
  });
});

/** The version just below: 20.19.0 → 20.18.999. */
function lowerPatch(version: string): string {
  const [major, minor, patch] = parseVersion(version);
  return patch > 0 ? `${major}.${minor}.${patch - 1}` : `${major}.${minor - 1}.999`;
}
