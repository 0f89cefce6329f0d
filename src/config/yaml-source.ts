// YAML text → plain data, keeping where every node came from so that schema problems can name
// the line. Hostile input (control bytes, alias bombs, duplicate keys, several documents, complex
// keys) is turned into problems, never into an exception or a silently merged value.
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import type { ConfigProblem } from './config-error.js';

/** Aliases a config may expand; real configs use a handful, a "billion laughs" uses millions. */
export const MAX_ALIAS_COUNT = 50;

/** A parsed file: the data, or the problems that stopped it, and a way to find lines. */
export interface YamlSource {
  data: unknown;
  problems: ConfigProblem[];
  /** The line of the node at `path`; for a missing key, the line of its nearest parent key. */
  lineOf(path: readonly PropertyKey[], options?: { key?: boolean }): number | null;
}

// C0 controls other than TAB, LF and CR, and DEL: never in a text config, common in binary files.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** Parses one YAML document; `data` is undefined when problems make it meaningless. */
export function readYaml(text: string): YamlSource {
  const lineCounter = new LineCounter();
  const control = CONTROL.exec(text);
  if (control !== null) {
    const line = text.slice(0, control.index).split('\n').length;
    const code = control[0].charCodeAt(0).toString(16).padStart(2, '0');
    return {
      data: undefined,
      problems: [{ line, keyPath: null, reason: `contains the control byte 0x${code}: not a text configuration file` }],
      lineOf: () => null,
    };
  }
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, strict: true });
  const lineAt = (offset: number | undefined): number | null => (offset === undefined ? null : lineCounter.linePos(offset).line);
  const problems: ConfigProblem[] = [];
  for (const error of [...doc.errors, ...doc.warnings]) {
    const { line, col } = lineCounter.linePos(error.pos[0]);
    problems.push({ line, column: col, keyPath: null, reason: `YAML: ${yamlReason(error.code, error.message)}` });
  }
  problems.push(...complexKeys(doc, lineAt));
  const lineOf = (path: readonly PropertyKey[], options: { key?: boolean } = {}) => locate(doc, path, options.key ?? false, lineAt);
  if (problems.length > 0) return { data: undefined, problems, lineOf };
  try {
    return { data: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }), problems, lineOf };
  } catch (error) {
    const message = (error as Error).message;
    const reason = /alias count/i.test(message)
      ? `YAML: aliases expand too much (more than ${MAX_ALIAS_COUNT}): refused as a resource exhaustion attack`
      : `YAML: ${message}`;
    return { data: undefined, problems: [{ line: 1, keyPath: null, reason }], lineOf };
  }
}

function yamlReason(code: string, message: string): string {
  if (code === 'DUPLICATE_KEY') return 'duplicate key (each key may appear once in a mapping)';
  // The library appends " at line L, column C:" and a source excerpt; we print the line ourselves.
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

// Keys must be plain scalars: a sequence or mapping as a key would be stringified by toJS.
function complexKeys(doc: Document, lineAt: (offset: number | undefined) => number | null): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  visit(doc, {
    Pair(_, pair) {
      if (pair.key !== null && !isScalar(pair.key) && !isAlias(pair.key)) {
        problems.push({ line: lineAt((pair.key as Node).range?.[0]), keyPath: null, reason: 'YAML: a key must be a plain word, not a list or mapping' });
      }
    },
  });
  return problems;
}

function locate(
  doc: Document,
  path: readonly PropertyKey[],
  wantKey: boolean,
  lineAt: (offset: number | undefined) => number | null,
): number | null {
  let node: unknown = doc.contents;
  let best: number | null = lineAt((doc.contents as Node | null)?.range?.[0]) ?? 1;
  for (let i = 0; i < path.length; i += 1) {
    if (isAlias(node)) node = node.resolve(doc);
    const segment = path[i];
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment));
      if (pair === undefined) return best;
      const keyLine = lineAt((pair.key as Node).range?.[0]);
      if (last && wantKey) return keyLine ?? best;
      best = keyLine ?? best;
      node = pair.value;
      if (node === null || node === undefined) return best;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment];
      if (item === undefined || item === null) return best;
      node = item;
      best = lineAt((item as Node).range?.[0]) ?? best;
    } else {
      return best;
    }
  }
  return best;
}
