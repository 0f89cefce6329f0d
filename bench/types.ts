// The shape every benchmark returns, so bench/run.ts can print one table and one JSON file.
export interface BenchRow {
  metric: string;
  value: number;
  unit: string;
  /** The same metric for the baseline, measured in the same run. */
  baseline?: number;
  /** baseline / value (how many times better than the baseline), or as the row says. */
  ratio?: number;
}

export interface BenchResult {
  name: string;
  rows: BenchRow[];
}
