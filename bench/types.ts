// The shape every benchmark returns, so bench/run.ts can print one table and one JSON file.
export interface BenchRow {
  /** A stable name for the row (e.g. lab.shared-vmac.task0.failover.over_detection_ms), when it has one. */
  id?: string;
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
