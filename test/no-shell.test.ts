// No command in src/ may go through a shell, and only src/host/ may start processes at all.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|js|mjs|cjs|mts|cts)$/.test(entry) ? [path] : [];
  });
}

interface Finding {
  rule: string;
  line: number;
  text: string;
}

const EVERYWHERE: Array<[string, RegExp]> = [
  ['shell option set', /\bshell\s*:\s*(?!false\b)[^\s,}]/],
  ['sh -c', /(['"`])(\/usr)?(\/bin\/)?(ba|z|k|c|tc|da)?sh\1\s*,\s*\[?\s*(['"`])-c\5|\bsh\s+-c\b/],
  // RegExp#exec is fine; child_process.exec(string) and execSync run /bin/sh -c.
  ['exec/execSync (runs through /bin/sh)', /(^|[^.\w$])exec\s*\(|\.exec\s*\(\s*['"`]|\bexecSync\s*\(/],
  ['execaCommand / $`…` (parses a command string)', /\bexecaCommand(Sync)?\b|\$\s*`|\$\s*\(\s*\{/],
];
const OUTSIDE_HOST: Array<[string, RegExp]> = [
  ['process-spawning import outside src/host/', /(from\s+|import\s*\(\s*|require\s*\(\s*)['"](node:)?child_process['"]|(from\s+|import\s*\(\s*|require\s*\(\s*)['"]execa['"]/],
  ['spawn/execFile outside src/host/', /\b(spawn|spawnSync|execFile|execFileSync|fork)\s*\(/],
];

/** Findings for one file's text; `inHost` relaxes the import rule for src/host/. */
export function scan(text: string, inHost: boolean): Finding[] {
  const rules = inHost ? EVERYWHERE : [...EVERYWHERE, ...OUTSIDE_HOST];
  const findings: Finding[] = [];
  text.split('\n').forEach((line, index) => {
    const code = line.replace(/\/\/.*$/, '');
    for (const [rule, pattern] of rules) if (pattern.test(code)) findings.push({ rule, line: index + 1, text: line.trim() });
  });
  return findings;
}

describe('no shell anywhere in src/', () => {
  it('finds the source tree', () => {
    expect(sourceFiles(SRC).length).toBeGreaterThan(10);
  });

  it('no file runs a shell, and only src/host/ imports child_process or execa', () => {
    const all: string[] = [];
    for (const file of sourceFiles(SRC)) {
      const rel = relative(SRC, file).split(sep).join('/');
      for (const f of scan(readFileSync(file, 'utf8'), rel.startsWith('host/'))) all.push(`src/${rel}:${f.line}: ${f.rule}: ${f.text}`);
    }
    expect(all).toEqual([]);
  });

  it('the scanner catches each forbidden form (so a pass means something)', () => {
    const bad: Array<[string, boolean]> = [
      ["await execa('ifconfig', ['em0'], { shell: true });", true],
      ["spawn('/bin/sh', ['-c', cmd]);", true],
      ["execFile('sh', ['-c', 'ifconfig ' + name]);", true],
      ["const out = execSync('ifconfig em0');", true],
      ["child.exec(`ifconfig ${name}`);", true],
      ["await execaCommand('ifconfig em0 up');", true],
      ['await $`ifconfig ${name} up`;', true],
      ["import { spawn } from 'node:child_process';", false],
      ["import { execa } from 'execa';", false],
      ["const cp = await import('child_process');", false],
      ["spawn('/sbin/ifconfig', ['em0']);", false],
    ];
    for (const [text, inHost] of bad) expect(scan(text, inHost), text).not.toEqual([]);
  });

  it('the real Host passes: argv arrays with shell: false', () => {
    expect(scan("const result = await execa(file, args, {\n  shell: false,\n});", true)).toEqual([]);
    expect(scan("import { execa } from 'execa';", true)).toEqual([]);
  });
});
