// The shape the architecture promises, checked on the tree: one wiring function constructs the
// engine (src/service/create.ts), no import loops in src/, no src/ file over 250 lines, and the
// daemon does not lean on the CLI.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../', import.meta.url));

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(REPO, dir))) {
    const path = join(dir, entry);
    if (statSync(join(REPO, path)).isDirectory()) out.push(...sources(path));
    else if (/\.(ts|mts|mjs)$/.test(entry)) out.push(path);
  }
  return out;
}

/** Relative imports of a TypeScript file, resolved to repository paths (.js → .ts). */
function importsOf(file: string): string[] {
  const text = readFileSync(join(REPO, file), 'utf8');
  return [...text.matchAll(/^(?:import|export)[^'"]*from\s+'(\.[^']+)'/gm)].map((m) => relative(REPO, resolve(join(REPO, dirname(file)), m[1]!)).replace(/\.js$/, '.ts'));
}

describe('layout', () => {
  it('only the one wiring function constructs the engine (src/, test/, bench/)', () => {
    const constructing = ['src', 'test', 'bench']
      .flatMap(sources)
      .filter((file) => file !== 'test/layout.test.ts' && readFileSync(join(REPO, file), 'utf8').includes('new Engine('));
    expect(constructing).toEqual(['src/service/create.ts']);
  });

  it('has no import loop in src/', () => {
    const files = sources('src');
    const graph = new Map(files.map((file) => [file, importsOf(file)]));
    const loops: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const visit = (file: string) => {
      state.set(file, 'open');
      stack.push(file);
      for (const next of graph.get(file) ?? []) {
        if (state.get(next) === 'open') loops.push([...stack.slice(stack.indexOf(next)), next].join(' → '));
        else if (!state.has(next) && graph.has(next)) visit(next);
      }
      stack.pop();
      state.set(file, 'done');
    };
    for (const file of files) if (!state.has(file)) visit(file);
    expect(loops).toEqual([]);
    expect(graph.get('src/status/journal.ts')).toContain('src/status/model.ts'); // the walk saw real edges
  });

  it('keeps every src/ file at 250 lines or fewer', () => {
    const long = sources('src')
      .map((file) => ({ file, lines: readFileSync(join(REPO, file), 'utf8').split('\n').length - 1 }))
      .filter((f) => f.lines > 250);
    expect(long).toEqual([]);
  });

  it('the daemon and the service do not import the CLI', () => {
    const offenders = ['src/daemon.ts', ...sources('src/service')].filter((file) => importsOf(file).some((target) => target.startsWith('src/cli/')));
    expect(offenders).toEqual([]);
  });
});
