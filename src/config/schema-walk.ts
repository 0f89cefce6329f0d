// Reads the zod schema as data: which keys exist at a path (for "did you mean"), and every key
// path of the file (so a test can prove docs/configuration.md documents each one). zod's
// internals stay in this file; nothing else in the service looks at `_zod`.
import type { z } from 'zod';
import { configSchema } from './schema.js';

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  in?: z.ZodType;
  out?: z.ZodType;
}

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

// Wrappers that do not change the shape of the data: defaults, optional, nullable, transforms.
function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (;;) {
    const def = defOf(current);
    if (def.innerType !== undefined && ['default', 'prefault', 'optional', 'nullable', 'readonly', 'catch', 'nonoptional'].includes(def.type)) {
      current = def.innerType;
    } else if (def.type === 'pipe' && def.in !== undefined) {
      current = def.in;
    } else {
      return current;
    }
  }
}

// The object schemas a value at this level may be (several for a discriminated union).
function objectsOf(schema: z.ZodType): Record<string, z.ZodType>[] {
  const def = defOf(unwrap(schema));
  if (def.type === 'object' && def.shape !== undefined) return [def.shape];
  if (def.type === 'union' && def.options !== undefined) return def.options.flatMap(objectsOf);
  return [];
}

/** The keys allowed in the mapping at `path` (indices are skipped), or [] when unknown. */
export function keysAt(path: readonly PropertyKey[]): string[] {
  let candidates: z.ZodType[] = [configSchema];
  for (const segment of path) {
    if (typeof segment === 'number') {
      candidates = candidates.flatMap((schema) => {
        const def = defOf(unwrap(schema));
        return def.type === 'array' && def.element !== undefined ? [def.element] : [];
      });
    } else {
      const key = String(segment);
      candidates = candidates.flatMap((schema) => objectsOf(schema).flatMap((shape) => (shape[key] === undefined ? [] : [shape[key]!])));
    }
  }
  return [...new Set(candidates.flatMap((schema) => objectsOf(schema).flatMap((shape) => Object.keys(shape))))];
}

/** Every key path of the schema, arrays written as `[]`: node, carp.vhids[].interface, … */
export function allKeyPaths(): string[] {
  const out: string[] = [];
  const walk = (schema: z.ZodType, prefix: string) => {
    const inner = unwrap(schema);
    const def = defOf(inner);
    if (def.type === 'array' && def.element !== undefined) return walk(def.element, `${prefix}[]`);
    for (const shape of objectsOf(inner)) {
      for (const [key, child] of Object.entries(shape)) {
        const path = prefix === '' ? key : `${prefix}.${key}`;
        if (!out.includes(path)) out.push(path);
        walk(child, path);
      }
    }
  };
  walk(configSchema, '');
  return out;
}

/** The closest known key within a small edit distance, for "did you mean". */
export function suggestKey(unknown: string, known: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = editDistance(unknown.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const limit = Math.max(1, Math.min(3, Math.floor(unknown.length / 3)));
  return bestDistance <= limit ? best : null;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return Infinity;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[b.length]!;
}
