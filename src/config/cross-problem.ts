// The shape of a rule that spans several keys (cross-checks.ts and the per-strategy checks it
// gathers), in a file of its own so those checks import it without importing each other.

/** A cross-field problem before it gets its line. */
export interface CrossProblem {
  path: PropertyKey[];
  reason: string;
}
