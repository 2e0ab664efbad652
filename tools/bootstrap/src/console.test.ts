import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { consoleBuildReason } from './console.mjs';

describe('npm start builds the console only when it changed', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  /** A console folder with one source file and (optionally) a build, with the given ages in seconds. */
  function consoleFolder(sourceAge: number, buildAge?: number) {
    const dir = mkdtempSync(join(tmpdir(), 'wmsi-console-build-'));
    dirs.push(dir);
    mkdirSync(join(dir, 'src'));
    const now = Date.now() / 1000;
    writeFileSync(join(dir, 'src', 'main.tsx'), 'export {};');
    utimesSync(join(dir, 'src', 'main.tsx'), now - sourceAge, now - sourceAge);
    if (buildAge !== undefined) {
      mkdirSync(join(dir, 'dist'));
      writeFileSync(join(dir, 'dist', 'index.html'), '<!doctype html>');
      utimesSync(join(dir, 'dist', 'index.html'), now - buildAge, now - buildAge);
    }
    return dir;
  }

  it('builds a console never built, or one edited since its build', () => {
    expect(consoleBuildReason(consoleFolder(10))).toBe('the console was never built');
    expect(consoleBuildReason(consoleFolder(10, 60))).toBe('the console changed since its last build');
  });

  it('leaves a build newer than every source alone', () => {
    expect(consoleBuildReason(consoleFolder(60, 10))).toBeUndefined();
  });
});
