import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findStartableApps } from './apps.mjs';
import { temporaryFolder } from './test-support.js';

describe('findStartableApps', () => {
  it('finds every app with a start script, in name order, and skips the tools without one', () => {
    const folder = temporaryFolder('apps');
    try {
      const app = (name: string, scripts: Record<string, string>) => {
        mkdirSync(join(folder.dir, 'apps', name), { recursive: true });
        writeFileSync(join(folder.dir, 'apps', name, 'package.json'), JSON.stringify({ name: `@wmsi/${name}`, scripts }));
      };
      app('worker-items', { start: 'node src/main.ts' });
      app('gateway', { start: 'node --import tsx src/main.ts' });
      app('cli', { test: 'vitest' });
      expect(findStartableApps(folder.dir)).toEqual([
        { name: 'gateway', dir: join(folder.dir, 'apps', 'gateway'), script: 'node --import tsx src/main.ts' },
        { name: 'worker-items', dir: join(folder.dir, 'apps', 'worker-items'), script: 'node src/main.ts' },
      ]);
    } finally {
      folder.remove();
    }
  });
});
