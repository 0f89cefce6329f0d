// `check-config -v`: the configuration as the service sees it, every default filled in, printed
// as YAML that is itself a valid config file (like `ospfd -nv`). Modes go back to octal text.
import { stringify } from 'yaml';
import type { Config } from './schema.js';

/** Octal text for a mode: 0o660 → "0660". */
export function formatMode(mode: number): string {
  return `0${mode.toString(8).padStart(3, '0')}`;
}

/** The normalized config as YAML, with a header naming the file it came from. */
export function printConfig(config: Config, fileName?: string): string {
  const printable = {
    ...config,
    sockets: {
      ...config.sockets,
      intake: { ...config.sockets.intake, mode: formatMode(config.sockets.intake.mode) },
      status: { ...config.sockets.status, mode: formatMode(config.sockets.status.mode) },
    },
  };
  const header = fileName === undefined ? '' : `# ${fileName}, normalized: every default filled in\n`;
  return header + stringify(printable, { indent: 2, lineWidth: 0, aliasDuplicateObjects: false, defaultStringType: 'PLAIN' });
}
