// Reads the port skeleton's files the way the ports framework does, as far as the tests need:
// Makefile variables (with continuation lines) and pkg-plist entries with the framework's
// substitutions (Mk/bsd.port.mk PLIST_SUB: DATADIR, DOCSDIR, EXAMPLESDIR, PORTDOCS/PORTEXAMPLES
// when the option is on) and its manual-page compression.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface PortFiles {
  makefile: string;
  /** Variable → value, continuation lines joined. */
  vars: Record<string, string>;
  useRcSubr: string[];
  plist: string;
  message: string;
  descr: string;
}

/** Reads Makefile, pkg-plist, pkg-message and pkg-descr of the port in dir. */
export function readPort(dir: string): PortFiles {
  const makefile = readFileSync(join(dir, 'Makefile'), 'utf8');
  const vars: Record<string, string> = {};
  for (const match of makefile.replace(/\\\n\s*/g, ' ').matchAll(/^([A-Z_][A-Z0-9_]*)\s*[?+]?=\s*(.*)$/gm)) {
    vars[match[1]!] = match[2]!.trim();
  }
  return {
    makefile,
    vars,
    useRcSubr: (vars.USE_RC_SUBR ?? '').split(/\s+/).filter(Boolean),
    plist: readFileSync(join(dir, 'pkg-plist'), 'utf8'),
    message: readFileSync(join(dir, 'pkg-message'), 'utf8'),
    descr: readFileSync(join(dir, 'pkg-descr'), 'utf8'),
  };
}

const PLIST_SUB: Record<string, string> = {
  '%%PORTDOCS%%': '',
  '%%PORTEXAMPLES%%': '',
  '%%DATADIR%%': 'share/carp-failover',
  '%%DOCSDIR%%': 'share/doc/carp-failover',
  '%%EXAMPLESDIR%%': 'share/examples/carp-failover',
};

/** The files (relative to PREFIX, before man-page compression) a pkg-plist installs. */
export function stagedPathsOfPlist(plist: string): string[] {
  return plist
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('@comment'))
    .map((line) => {
      let path = line;
      for (const [key, value] of Object.entries(PLIST_SUB)) path = path.split(key).join(value);
      if (path.startsWith('@sample ')) path = path.slice('@sample '.length);
      if (path.startsWith('@') || path.includes('%%')) throw new Error(`pkg-plist: unhandled entry "${line}"`);
      // The framework gzips manual pages; the plist names the .gz.
      return path.startsWith('share/man/') ? path.replace(/\.gz$/, '') : path;
    });
}
