// Config as a transaction: file → YAML (with positions) → schema → cross-field checks → frozen
// Config, or a ConfigError listing every problem with its line and key path. Nothing is half
// loaded: a reload builds a new Config with this and swaps only when it returned.
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { ConfigError, ConfigUnreadableError, formatKeyPath, type ConfigProblem } from './config-error.js';
import { crossCheck } from './cross-checks.js';
import { deepFreeze } from './freeze.js';
import { problemsFromIssues } from './issues.js';
import { configSchema, type Config } from './schema.js';
import { readYaml } from './yaml-source.js';

/** Larger files are refused unread: a config is a few KiB; this is a wrong path or an attack. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/** Reads, validates and freezes the config at `path`. */
export async function loadConfig(path: string): Promise<Config> {
  return parseConfigBytes(await readConfigFile(path), path);
}

/** Validates config text; `fileName` only labels the problems. For tests and reload. */
export function parseConfigText(text: string, fileName: string): Config {
  if (Buffer.byteLength(text, 'utf8') > MAX_CONFIG_BYTES) {
    throw new ConfigError(fileName, [{ line: null, keyPath: null, reason: `larger than ${MAX_CONFIG_BYTES} bytes: refused` }]);
  }
  const source = readYaml(text);
  if (source.problems.length > 0) throw new ConfigError(fileName, source.problems);
  if (source.data === null || source.data === undefined) {
    throw new ConfigError(fileName, [{ line: 1, keyPath: null, reason: 'the file is empty: expected a mapping with at least "node" and "carp"' }]);
  }
  if (typeof source.data !== 'object' || Array.isArray(source.data)) {
    const kind = Array.isArray(source.data) ? 'a list' : `a ${typeof source.data}`;
    throw new ConfigError(fileName, [{ line: 1, keyPath: formatKeyPath([]), reason: `must be a mapping of options, got ${kind}` }]);
  }
  const parsed = configSchema.safeParse(source.data);
  if (!parsed.success) throw new ConfigError(fileName, problemsFromIssues(parsed.error.issues, source));
  const cross: ConfigProblem[] = crossCheck(parsed.data).map((problem) => ({
    line: source.lineOf(problem.path),
    keyPath: formatKeyPath(problem.path),
    reason: problem.reason,
  }));
  if (cross.length > 0) throw new ConfigError(fileName, cross);
  return deepFreeze(parsed.data);
}

/**
 * The file's YAML as plain data, not validated (undefined when it is not YAML): for callers that
 * need one section of a config that may be invalid elsewhere, read with the same bounds.
 */
export async function readConfigData(path: string): Promise<unknown> {
  return readYaml(new TextDecoder('utf-8', { fatal: true }).decode(await readConfigFile(path))).data;
}

function parseConfigBytes(bytes: Buffer, fileName: string): Config {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    throw new ConfigError(fileName, [{ line: null, keyPath: null, reason: 'not UTF-8 text (is this the right file?)' }], { cause: error });
  }
  return parseConfigText(text, fileName);
}

// Reads at most MAX_CONFIG_BYTES + 1 through one descriptor, so a file that grows (or a FIFO,
// or /dev/zero) between stat and read cannot make us read without bound.
async function readConfigFile(path: string): Promise<Buffer> {
  let handle;
  try {
    // O_NONBLOCK: a FIFO at the path must not hang us before the regular-file check.
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw unreadable(path, error);
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new ConfigUnreadableError(path, 'not a regular file');
    if (stat.size > MAX_CONFIG_BYTES) {
      throw new ConfigUnreadableError(path, `the file is ${stat.size} bytes, larger than the ${MAX_CONFIG_BYTES} bytes allowed`);
    }
    const buffer = Buffer.alloc(MAX_CONFIG_BYTES + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > MAX_CONFIG_BYTES) throw new ConfigUnreadableError(path, `the file grew beyond the ${MAX_CONFIG_BYTES} bytes allowed`);
    }
    return buffer.subarray(0, length);
  } catch (error) {
    if (error instanceof ConfigUnreadableError) throw error;
    throw unreadable(path, error);
  } finally {
    await handle.close();
  }
}

function unreadable(path: string, error: unknown): ConfigUnreadableError {
  const errno = (error as NodeJS.ErrnoException).code;
  const reasons: Record<string, string> = {
    ENOENT: 'no such file',
    EACCES: 'permission denied',
    EISDIR: 'it is a directory',
    ENOTDIR: 'a parent is not a directory',
    ELOOP: 'too many symbolic links',
  };
  const reason = errno === undefined ? (error as Error).message : `${reasons[errno] ?? (error as Error).message} (${errno})`;
  return new ConfigUnreadableError(path, reason, { cause: error, ...(errno === undefined ? {} : { errno }) });
}
