import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { installReason } from './install.mjs';
import { temporaryFolder } from './test-support.js';

const folders: { remove: () => void }[] = [];
afterEach(() => folders.splice(0).forEach((folder) => folder.remove()));

/** A checkout whose lock file and last install are dated as given (seconds since the epoch). */
function checkout({ lockAt, installedAt }: { lockAt: number; installedAt?: number }) {
  const folder = temporaryFolder('install');
  folders.push(folder);
  const lock = join(folder.dir, 'package-lock.json');
  writeFileSync(lock, '{}');
  utimesSync(lock, lockAt, lockAt);
  if (installedAt !== undefined) {
    mkdirSync(join(folder.dir, 'node_modules'));
    const installed = join(folder.dir, 'node_modules', '.package-lock.json');
    writeFileSync(installed, '{}');
    utimesSync(installed, installedAt, installedAt);
  }
  return folder.dir;
}

describe('installReason', () => {
  it('asks for an install on a fresh clone, without node_modules', () => {
    expect(installReason(checkout({ lockAt: 1_000 }))).toBe('node_modules is missing');
  });

  it('asks for an install when package-lock.json changed after the last one', () => {
    expect(installReason(checkout({ lockAt: 2_000, installedAt: 1_000 }))).toBe('package-lock.json changed since the last install');
  });

  it('leaves a current install alone', () => {
    expect(installReason(checkout({ lockAt: 1_000, installedAt: 1_001 }))).toBeUndefined();
  });
});
