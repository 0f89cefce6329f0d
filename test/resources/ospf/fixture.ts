// Reads a fixture of test/fixtures/ospf/: a "# source: …" header (where the output comes from),
// one blank line, then the output exactly as vtysh printed it.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('../../fixtures/ospf/', import.meta.url));

/** The output part of a fixture; throws when the fixture has no source header. */
export function fixture(name: string): string {
  const text = readFileSync(dir + name, 'utf8');
  const lines = text.split('\n');
  const end = lines.findIndex((line) => !line.startsWith('#'));
  if (end <= 0 || !lines[0]!.startsWith('# source:') || lines[end] !== '') throw new Error(`${name}: no "# source:" header`);
  return lines.slice(end + 1).join('\n');
}
