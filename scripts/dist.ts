// `npm run dist`: bundles the daemon and the CLI into one JavaScript file with esbuild (every
// npm dependency inside it: no node_modules on the router) and lays out the tree the FreeBSD
// port installs under its PREFIX, then packs it as the release tarball the port fetches.
//
//   release/carp-failover-<version>/           the staging tree (paths relative to PREFIX)
//   release/carp-failover-<version>.tar.gz     the same tree, the port's distfile
//
// Dependencies held back from their newest major say why in docs/dependencies.md.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import { thirdPartyNotices } from './third-party.js';

const REPO = fileURLToPath(new URL('../', import.meta.url));
const PACKAGE = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { name: string; version: string };

/** Where the port installs the bundle, relative to PREFIX; rc.d and the launcher point here. */
export const BUNDLE_PATH = 'libexec/carp-failover/carp-failover.mjs';

/** The licences of the bundled packages: always installed (DATADIR), unlike the optional docs. */
export const NOTICES_PATH = 'share/carp-failover/THIRD-PARTY-NOTICES';

/** Repository file → staging path (relative to PREFIX), with its mode. The bundle is added by build. */
export const STAGED_FILES: ReadonlyArray<{ from: string; to: string; mode: number }> = [
  { from: 'packaging/carp-failover.sh', to: 'bin/carp-failover', mode: 0o555 },
  { from: 'rc.d/carp_failover', to: 'etc/rc.d/carp_failover', mode: 0o555 },
  { from: 'rc.d/carp_failover_early', to: 'etc/rc.d/carp_failover_early', mode: 0o555 },
  { from: 'devd/carp-failover.conf', to: 'etc/devd/carp-failover.conf', mode: 0o644 },
  { from: 'docs/examples/carp-failover.yaml', to: 'etc/carp-failover.yaml.sample', mode: 0o644 },
  { from: 'man/carp-failover.8', to: 'share/man/man8/carp-failover.8', mode: 0o444 },
  { from: 'man/carp-failover.yaml.5', to: 'share/man/man5/carp-failover.yaml.5', mode: 0o444 },
  { from: 'README.md', to: 'share/doc/carp-failover/README.md', mode: 0o444 },
  ...['blue-green', 'configuration', 'freebsd', 'ospf', 'ovh'].map((doc) => ({
    from: `docs/${doc}.md`,
    to: `share/doc/carp-failover/${doc}.md`,
    mode: 0o444,
  })),
  { from: 'observability/carp-failover.rules.yml', to: 'share/examples/carp-failover/carp-failover.rules.yml', mode: 0o444 },
  { from: 'observability/grafana-dashboard.json', to: 'share/examples/carp-failover/grafana-dashboard.json', mode: 0o444 },
];

export interface DistResult {
  /** The staging tree: what the port installs under PREFIX. */
  stage: string;
  /** The release tarball (absent when built with tarball: false). */
  tarball: string | null;
  /** Every file of the staging tree, relative to it, sorted. */
  files: string[];
}

/** Builds the staging tree (and the tarball) under outDir. */
export async function buildDist(options: { outDir: string; tarball?: boolean }): Promise<DistResult> {
  const base = `${PACKAGE.name}-${PACKAGE.version}`;
  const stage = resolve(options.outDir, base);
  rmSync(stage, { recursive: true, force: true });
  const files: string[] = [];
  const place = (to: string, mode: number, write: (target: string) => void) => {
    const target = join(stage, to);
    mkdirSync(dirname(target), { recursive: true });
    write(target);
    chmodSync(target, mode);
    files.push(to);
  };

  const metafile = await bundle(join(stage, BUNDLE_PATH));
  chmodSync(join(stage, BUNDLE_PATH), 0o444);
  files.push(BUNDLE_PATH);
  for (const file of STAGED_FILES) place(file.to, file.mode, (target) => copyFileSync(join(REPO, file.from), target));
  place(NOTICES_PATH, 0o444, (target) => writeFileSync(target, thirdPartyNotices(REPO, metafile)));

  let tarball: string | null = null;
  if (options.tarball !== false) {
    tarball = resolve(options.outDir, `${base}.tar.gz`);
    pack(options.outDir, base, tarball);
  }
  return { stage, tarball, files: files.sort() };
}

// One ESM file for Node 20+. CommonJS dependencies (pino) call require() for Node's built-ins,
// which an ES module does not have: the banner gives the bundle one. No minifying: stack traces
// in syslog stay readable.
async function bundle(outfile: string): Promise<Metafile> {
  const result = await build({
    absWorkingDir: REPO,
    entryPoints: ['src/cli/bin.ts'],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20.18',
    metafile: true,
    legalComments: 'none',
    logLevel: 'warning',
    banner: { js: "import { createRequire as __cfCreateRequire } from 'node:module';\nconst require = __cfCreateRequire(import.meta.url);" },
  });
  return result.metafile;
}

// A reproducible tarball: sorted names, one fixed time, root:wheel, so the port's distinfo
// checksum is the same for everyone who builds the same commit.
function pack(outDir: string, base: string, tarball: string): void {
  const epoch = process.env.SOURCE_DATE_EPOCH ?? commitTime();
  const args = ['--sort=name', `--mtime=@${epoch}`, '--owner=0', '--group=0', '--numeric-owner', '-cf', '-', '-C', resolve(outDir), base];
  const result = spawnSync('tar', args, { maxBuffer: 256 << 20 });
  if (result.status !== 0) throw new Error(`tar ${args.join(' ')} failed: ${result.stderr?.toString() || result.error?.message}`);
  // Node's gzip header carries no name and a zero time.
  writeFileSync(tarball, gzipSync(result.stdout, { level: 9 }));
}

function commitTime(): string {
  const result = spawnSync('git', ['log', '-1', '--format=%ct'], { cwd: REPO, encoding: 'utf8' });
  return result.status === 0 && /^\d+\s*$/.test(result.stdout) ? result.stdout.trim() : '0';
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outDir = process.argv[2] ?? join(REPO, 'release');
  const result = await buildDist({ outDir });
  process.stdout.write(`staging tree: ${relative(process.cwd(), result.stage) || '.'} (${result.files.length} files)\n`);
  process.stdout.write(`tarball:      ${relative(process.cwd(), result.tarball!)}\n`);
}
