// Directory trust (issue 14 item 4): as sshd's StrictModes, a state or socket directory, or any
// parent, owned by another user or writable by group/others is refused, naming the culprit; a
// root-owned sticky parent (/tmp) is fine. Runs as root here: "another user" is uid 65534 by chown.
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkTrustedDirectory } from '../../src/host/trusted-directory.js';

const STRANGER = 65534;
const asRoot = process.geteuid?.() === 0;
let base: string;

beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'cf-trust-'));
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

function dir(name: string, mode: number, uid?: number): string {
  const path = join(base, name);
  mkdirSync(path, { recursive: true });
  chmodSync(path, mode);
  if (uid !== undefined) chownSync(path, uid, 0);
  return path;
}

describe('checkTrustedDirectory', () => {
  it('accepts a root-owned 0750 directory under /tmp (a root-owned sticky parent)', async () => {
    await expect(checkTrustedDirectory(dir('state', 0o750), 'state directory', [0])).resolves.toBeUndefined();
  });

  it.each([0o777, 0o770, 0o757, 0o1777])('refuses the directory itself with mode %s', async (mode) => {
    const path = dir('state', mode);
    await expect(checkTrustedDirectory(path, 'state directory', [0])).rejects.toMatchObject({
      code: 'PATH_UNSAFE',
      message: expect.stringMatching(new RegExp(`^state directory ${path} is writable by (its group and others|its group|others) \\(mode ${mode.toString(8).padStart(4, '0')}\\); every directory up to / must be root's`)),
    });
  });

  it('refuses a group-writable parent, naming it', async () => {
    const parent = dir('p', 0o775);
    const path = dir('p/state', 0o700);
    await expect(checkTrustedDirectory(path, 'state directory', [0])).rejects.toThrow(`state directory ${path}: its parent ${parent} is writable by its group (mode 0775)`);
  });

  it.skipIf(!asRoot)('refuses a directory or a parent owned by another user', async () => {
    const own = dir('mine', 0o700, STRANGER);
    await expect(checkTrustedDirectory(own, 'socket directory', [0])).rejects.toThrow(`socket directory ${own} is owned by uid ${STRANGER}, not root`);
    const parent = dir('theirs', 0o755, STRANGER);
    const child = dir('theirs/state', 0o700, 0);
    await expect(checkTrustedDirectory(child, 'state directory', [0])).rejects.toThrow(`its parent ${parent} is owned by uid ${STRANGER}, not root`);
    // The owner to trust is injectable: the same tree is fine for a daemon running as that uid.
    await expect(checkTrustedDirectory(child, 'state directory', [0, STRANGER])).resolves.toBeUndefined();
  });

  it('checks where a symbolic link leads, too', async () => {
    const target = dir('open', 0o777);
    const link = join(dir('safe', 0o755), 'state');
    symlinkSync(target, link);
    await expect(checkTrustedDirectory(link, 'state directory', [0])).rejects.toThrow(`state directory ${link}: ${target}, where it leads, is writable by its group and others (mode 0777)`);
  });

  it('refuses a file where a directory should be', async () => {
    await expect(checkTrustedDirectory(join(dir('d', 0o700), '..', 'd', '.'), 'state directory', [0])).resolves.toBeUndefined();
    const file = join(base, 'f');
    rmSync(file, { force: true });
    (await import('node:fs')).writeFileSync(file, 'x', { mode: 0o600 });
    await expect(checkTrustedDirectory(file, 'state directory', [0])).rejects.toThrow('is not a directory');
  });
});
