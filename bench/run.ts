// `npm run bench`: runs every benchmark, prints one table, writes bench/results.json.
// Each benchmark measures its own baseline in the same run and reports ratios and medians, since
// these machines are noisy and absolute numbers from another run mean little.
import { writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BenchResult } from './types.js';

interface BenchModule {
  file: string;
  exportName: string;
  /** Why it cannot run here, or null. */
  unavailable?: () => string | null;
}

const here = fileURLToPath(new URL('.', import.meta.url));

const BENCHES: BenchModule[] = [
  { file: 'intake.ts', exportName: 'runIntakeBench' },
  {
    file: 'lab.ts',
    exportName: 'runLabBench',
    unavailable: () => (process.getuid?.() === 0 ? null : 'needs root (network namespaces)'),
  },
];

function formatRow(name: string, row: BenchResult['rows'][number]): string {
  const value = `${round(row.value)} ${row.unit}`;
  const baseline = row.baseline === undefined ? '' : `${round(row.baseline)} ${row.unit}`;
  const ratio = row.ratio === undefined ? '' : `${round(row.ratio)}×`;
  return `| ${name} | ${row.metric} | ${value} | ${baseline} | ${ratio} |`;
}

function round(n: number): string {
  return Math.abs(n) >= 100 ? n.toFixed(0) : n.toPrecision(3);
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const results: BenchResult[] = [];
  const skipped: Array<{ name: string; reason: string }> = [];
  for (const bench of BENCHES) {
    const name = bench.file.replace(/\.ts$/, '');
    if (only.length && !only.includes(name)) continue;
    if (!existsSync(here + bench.file)) {
      skipped.push({ name, reason: 'not present in this checkout' });
      continue;
    }
    const reason = bench.unavailable?.() ?? null;
    if (reason) {
      skipped.push({ name, reason });
      continue;
    }
    const mod = (await import(`./${bench.file}`)) as Record<string, () => Promise<BenchResult | BenchResult[]>>;
    const run = mod[bench.exportName];
    if (!run) throw new Error(`${bench.file} does not export ${bench.exportName}`);
    const out = await run();
    results.push(...(Array.isArray(out) ? out : [out]));
  }
  console.log('| bench | metric | value | baseline (same run) | ratio |');
  console.log('|---|---|---|---|---|');
  for (const result of results) for (const row of result.rows) console.log(formatRow(result.name, row));
  for (const s of skipped) console.log(`skipped ${s.name}: ${s.reason}`);
  const json = { at: new Date().toISOString(), node: process.version, results, skipped };
  await writeFile(here + 'results.json', JSON.stringify(json, null, 2) + '\n');
  console.log(JSON.stringify(json));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
