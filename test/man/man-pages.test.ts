// The manual pages: mandoc -Tlint clean, carp-failover(8) lists every command and option of the
// CLI's grammar table, and carp-failover.yaml(5) every key of the configuration schema with its
// type and its default as the schema computes it. Computed from the code, never a hand-kept
// list: a verb, option or key added without its manual entry fails here.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { COMMANDS, globalOptions } from '../../src/cli/grammar.js';
import { configSchema } from '../../src/config/schema.js';
import { allKeyPaths } from '../../src/config/schema-walk.js';
import { skipReason } from '../support/env.js';

const MAN = fileURLToPath(new URL('../../man/', import.meta.url));
const PAGES = ['carp-failover.8', 'carp-failover.yaml.5'];
const page8 = readFileSync(`${MAN}carp-failover.8`, 'utf8');
const page5 = readFileSync(`${MAN}carp-failover.yaml.5`, 'utf8');
const mandocMissing = existsSync('/usr/bin/mandoc') ? null : 'mandoc not installed; run scripts/setup.sh as root';

/** The source lines of the list entry that starts with `head` (up to the next entry of its list). */
function entry(page: string, head: string): string | null {
  const lines = page.split('\n');
  const start = lines.findIndex((line) => line === head || line.startsWith(`${head} `));
  if (start < 0) return null;
  const end = lines.findIndex((line, i) => i > start && (line.startsWith('.It ') || line === '.El'));
  return lines.slice(start, end < 0 ? undefined : end).join('\n');
}

/** How an option is written in mdoc: Fl \-json, Fl v. */
const flag = (name: string) => (name.length === 1 ? `Fl ${name}` : `Fl \\-${name}`);

describe.skipIf(skipReason('mandoc lint', mandocMissing) !== null)('mandoc -Tlint', () => {
  it.each(PAGES)('%s has no warning or error', (page) => {
    const result = spawnSync('/usr/bin/mandoc', ['-Tlint', '-W', 'warning', `${MAN}${page}`], { encoding: 'utf8' });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it.each(PAGES)('%s has no style message but for FreeBSD manuals this Linux host lacks', (page) => {
    const result = spawnSync('/usr/bin/mandoc', ['-Tlint', '-W', 'style', `${MAN}${page}`], { encoding: 'utf8' });
    // carp(4), devd.conf(5), daemon(8)... exist on FreeBSD only: mandoc here cannot find them.
    const messages = (result.stdout + result.stderr)
      .split('\n')
      .filter((line) => line !== '' && !/STYLE: referenced manual not found: Xr |outdated mandoc\.db/.test(line));
    expect(messages).toEqual([]);
  });
});

describe('carp-failover(8)', () => {
  it.each(COMMANDS.map((spec) => [spec.words.join(' '), spec] as const))('documents "%s" with each of its options', (words, spec) => {
    const text = entry(page8, `.It Cm ${words}`);
    expect(text, `no ".It Cm ${words}" entry`).not.toBeNull();
    for (const option of spec.options) {
      expect(text, `--${option.name} of ${words}`).toContain(flag(option.name));
      if (option.short !== undefined) expect(text, `-${option.short} of ${words}`).toContain(flag(option.short));
    }
  });

  it('documents the global options and the environment variable', () => {
    const options = page8.slice(page8.indexOf('.Ss Options'), page8.indexOf('.Sh ENVIRONMENT'));
    for (const option of globalOptions({})) {
      expect(options).toContain(flag(option.name));
      if (option.short !== undefined) expect(options).toContain(flag(option.short));
    }
    expect(page8).toMatch(/^\.It Ev CARP_FAILOVER_CONFIG$/m);
  });

  it('has the sections an operator looks for, and the references the issue asks for', () => {
    for (const section of ['NAME', 'SYNOPSIS', 'DESCRIPTION', 'ENVIRONMENT', 'SIGNALS', 'FILES', 'EXIT STATUS', 'EXAMPLES', 'SEE ALSO']) {
      expect(page8).toMatch(new RegExp(`^\\.Sh ${section}$`, 'm'));
    }
    for (const ref of ['carp 4', 'devd.conf 5', 'rc.conf 5', 'carp-failover.yaml 5', 'daemon 8']) expect(page8).toContain(`.Xr ${ref}`);
    for (const signal of ['SIGHUP', 'SIGTERM']) expect(page8).toContain(`Dv ${signal}`);
  });
});

describe('carp-failover.yaml(5)', () => {
  // Every default as the schema computes it, from the smallest valid file.
  const defaults = configSchema.parse({ node: 'n', carp: { vhids: [{ vhid: 1, interface: 'a' }] } }) as Record<string, unknown>;
  const valueAt = (path: string): unknown => path.split('.').reduce<unknown>((v, key) => (v as Record<string, unknown> | undefined)?.[key], defaults);

  it.each(allKeyPaths())('documents %s with its type and default', (path) => {
    const text = entry(page5, `.It Ic ${path}`);
    expect(text, `no ".It Ic ${path}" entry`).not.toBeNull();
    expect(text).toMatch(/^Type:/m);
    if (path.includes('[]') || path === 'node' || path.startsWith('carp.vhids')) return;
    const value = valueAt(path);
    if (value === undefined || (typeof value === 'object' && value !== null && !Array.isArray(value))) return;
    // File modes are given as octal strings ("0600") and held as numbers.
    const shown = path.startsWith('sockets.') && path.endsWith('.mode') ? `0${(value as number).toString(8)}` : Array.isArray(value) ? '[]' : String(value);
    expect(text).toMatch(/^Default:/m);
    expect(text).toContain(shown);
  });

  it('names the file, and points back to carp-failover(8)', () => {
    expect(page5).toMatch(/^\.Nm carp-failover\.yaml$/m);
    expect(page5).toContain('.Xr carp-failover 8');
  });
});
