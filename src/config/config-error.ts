// The errors a configuration file can produce. A ConfigError carries every problem found, each
// with its file, line and key path, so an operator fixes them all in one pass (like `nginx -t`).
import { CarpFailoverError } from '../errors.js';

/** One thing wrong with a configuration file. */
export interface ConfigProblem {
  /** 1-based line in the file, or null when the problem has no place (the file itself). */
  line: number | null;
  /** 1-based column, for YAML syntax errors (the parser knows it; schema problems name a key). */
  column?: number;
  /** Dotted key path such as carp.vhids[0].interface, or null for syntax errors. */
  keyPath: string | null;
  reason: string;
}

/** Renders a path of keys and indices the way the docs write them: carp.vhids[0].interface. */
export function formatKeyPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out;
}

/** One problem as one line: `<file>:<line>: <key.path>: <reason>` (`<file>:<line>:<col>:` for syntax). */
export function formatProblem(file: string, problem: ConfigProblem): string {
  const column = problem.column === undefined ? '' : `:${problem.column}`;
  const where = problem.line === null ? file : `${file}:${problem.line}${column}`;
  return problem.keyPath === null ? `${where}: ${problem.reason}` : `${where}: ${problem.keyPath}: ${problem.reason}`;
}

/** The configuration is not valid; the message lists every problem, one per line. */
export class ConfigError extends CarpFailoverError {
  readonly file: string;
  readonly problems: readonly ConfigProblem[];

  constructor(file: string, problems: readonly ConfigProblem[], options: { cause?: unknown } = {}) {
    const sorted = [...problems].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    super('CONFIG_INVALID', sorted.map((problem) => formatProblem(file, problem)).join('\n'), {
      cause: options.cause,
      details: { path: file, problems: sorted },
    });
    this.file = file;
    this.problems = sorted;
  }
}

/** The configuration file could not be read at all (missing, permissions, too big). */
export class ConfigUnreadableError extends CarpFailoverError {
  constructor(file: string, reason: string, options: { cause?: unknown; errno?: string } = {}) {
    super('CONFIG_UNREADABLE', `${file}: cannot read the configuration: ${reason}`, {
      cause: options.cause,
      details: { path: file, reason, ...(options.errno === undefined ? {} : { errno: options.errno }) },
    });
  }
}
