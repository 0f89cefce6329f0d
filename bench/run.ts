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
  /** An export of the module saying why it cannot run here (root, FRR, keepalived…), or null. */
  unavailableExport?: string;
}

const here = fileURLToPath(new URL('.', import.meta.url));

const BENCHES: BenchModule[] = [
  { file: 'intake.ts', exportName: 'runIntakeBench' },
  {
    file: 'lab.ts',
    exportName: 'runLabBench',
    unavailableExport: 'labBenchUnavailable',
  },
];

function formatRow(name: string, row: BenchResult['rows'][number]): string {
  const value = `${round(row.value)} ${row.unit}`;
  const baseline = row.baseline === undefined ? '' : `${round(row.baseline)} ${row.unit}`;
  const ratio = row.ratio === undefined ? '' : `${round(row.ratio)}×`;
  return `| ${name} | ${row.id ?? ''} | ${row.metric} | ${value} | ${baseline} | ${ratio} |`;
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
    const mod = (await import(`./${bench.file}`)) as Record<string, () => unknown>;
    const reason = bench.unavailableExport ? (mod[bench.unavailableExport]?.() as string | null) : null;
    if (reason) {
      skipped.push({ name, reason });
      continue;
    }
    const run = mod[bench.exportName] as (() => Promise<BenchResult | BenchResult[]>) | undefined;
    if (!run) throw new Error(`${bench.file} does not export ${bench.exportName}`);
    const out = await run();
    results.push(...(Array.isArray(out) ? out : [out]));
  }
  console.log('| bench | id | metric | value | baseline (same run) | ratio |');
  console.log('|---|---|---|---|---|---|');
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
