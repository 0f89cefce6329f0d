// The bundle carries its npm dependencies' code, so the package carries their licences: every
// package esbuild put into the bundle (read from its metafile), with its version, licence and
// licence text.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Metafile } from 'esbuild';

interface PackageJson {
  name: string;
  version: string;
  license?: string;
}

/** The packages whose files esbuild bundled, as their node_modules directories (sorted). */
export function bundledPackageDirs(metafile: Metafile): string[] {
  const dirs = new Set<string>();
  for (const input of Object.keys(metafile.inputs)) {
    // The last node_modules segment names the package: node_modules/@scope/name or node_modules/name.
    const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (match) dirs.add(match[1]!);
  }
  return [...dirs].sort();
}

/** THIRD-PARTY-NOTICES: one section per bundled package. Throws when a licence is missing. */
export function thirdPartyNotices(repo: string, metafile: Metafile): string {
  const sections = bundledPackageDirs(metafile).map((dir) => {
    const pkg = JSON.parse(readFileSync(join(repo, dir, 'package.json'), 'utf8')) as PackageJson;
    const licenceFile = readdirSync(join(repo, dir)).find((name) => /^(licen[cs]e|copying)(\.(md|txt))?$/i.test(name));
    if (pkg.license === undefined && licenceFile === undefined) throw new Error(`${dir}: no licence declared or shipped`);
    const text = licenceFile !== undefined && existsSync(join(repo, dir, licenceFile)) ? readFileSync(join(repo, dir, licenceFile), 'utf8').trim() : `(${pkg.license} — no licence file shipped)`;
    return `${pkg.name} ${pkg.version} (${pkg.license ?? 'see below'})\n${'-'.repeat(72)}\n${text}\n`;
  });
  return `carp-failover bundles the following packages in libexec/carp-failover/carp-failover.mjs.\n\n${sections.join('\n')}`;
}
