// zod issues → ConfigProblems worded for an operator: the key path as the docs write it, the
// line from the YAML, and a reason that says what is expected (and what was found).
import type { z } from 'zod';
import { formatKeyPath, type ConfigProblem } from './config-error.js';
import { keysAt, suggestKey } from './schema-walk.js';
import type { YamlSource } from './yaml-source.js';

/** One problem per issue, and one per unknown key. */
export function problemsFromIssues(issues: readonly z.core.$ZodIssue[], source: YamlSource): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      const known = keysAt(issue.path);
      for (const key of issue.keys) {
        const path = [...issue.path, key];
        const suggestion = suggestKey(key, known);
        const hint = suggestion === null ? `valid keys here: ${known.join(', ')}` : `did you mean "${suggestion}"?`;
        problems.push({ line: source.lineOf(path, { key: true }), keyPath: formatKeyPath(path), reason: `unknown key "${key}" (${hint})` });
      }
      continue;
    }
    problems.push({ line: source.lineOf(issue.path), keyPath: formatKeyPath(issue.path), reason: reasonFor(issue, valueAt(source.data, issue.path)) });
  }
  return problems;
}

function reasonFor(issue: z.core.$ZodIssue, value: unknown): string {
  switch (issue.code) {
    case 'invalid_type':
      if (value === undefined) return `required, but missing (expected ${expectedName(issue.expected)})`;
      return `expected ${expectedName(issue.expected)}, got ${describe(value)}`;
    case 'too_small':
      if (issue.origin === 'array') return issue.message.startsWith('Too small') ? `needs at least ${String(issue.minimum)} item(s)` : issue.message;
      if (issue.origin === 'string') return issue.message.startsWith('Too small') ? `must not be empty` : issue.message;
      return `must be ${issue.inclusive ? 'at least' : 'greater than'} ${String(issue.minimum)}, got ${describe(value)}`;
    case 'too_big':
      if (issue.origin === 'string') return `must be at most ${String(issue.maximum)} characters long`;
      if (issue.origin === 'array') return `must have at most ${String(issue.maximum)} item(s)`;
      return `must be ${issue.inclusive ? 'at most' : 'less than'} ${String(issue.maximum)}, got ${describe(value)}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${describe(value)}`;
    case 'invalid_union':
      if ('discriminator' in issue && Array.isArray((issue as { options?: unknown[] }).options)) {
        const options = (issue as unknown as { options: unknown[] }).options;
        return `must be one of ${options.map((v) => JSON.stringify(v)).join(', ')}, got ${describe(value)}`;
      }
      return `does not match any accepted form (got ${describe(value)})`;
    case 'invalid_format':
      return issue.message.startsWith('Invalid') ? `must be a valid ${issue.format}, got ${describe(value)}` : `${issue.message}, got ${describe(value)}`;
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}, got ${describe(value)}`;
    default:
      return issue.message;
  }
}

const EXPECTED: Record<string, string> = {
  int: 'a whole number',
  number: 'a number',
  string: 'a string',
  object: 'a mapping',
  array: 'a list',
  boolean: 'true or false',
};

function expectedName(expected: string): string {
  return EXPECTED[expected] ?? expected;
}

// Short and safe to print: long or odd values are cut, never dumped whole onto the terminal.
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') {
    const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
    return `${JSON.stringify(shown)}${value.length > 40 ? ` (${value.length} characters)` : ''}`;
  }
  return `${typeof value} ${String(value)}`;
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = data;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment as string];
  }
  return current;
}
