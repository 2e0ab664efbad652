import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findStartableApps, withWorkerReplicas, workerProcesses } from './apps.mjs';
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

describe('worker processes of npm start', () => {
  const apps = [
    { name: 'api', dir: '/apps/api', script: 'node bundle/main.js' },
    { name: 'worker-items', dir: '/apps/worker-items', script: 'node bundle/main.js' },
  ];

  it('runs each worker app as many times as --workers or WORKER_PROCESSES say, under names of their own', () => {
    expect(withWorkerReplicas(apps, workerProcesses(['--workers', '3'], {})).map((app) => app.name)).toEqual(['api', 'worker-items', 'worker-items#2', 'worker-items#3']);
    expect(withWorkerReplicas(apps, workerProcesses([], { WORKER_PROCESSES: '2' })).map((app) => app.name)).toEqual(['api', 'worker-items', 'worker-items#2']);
    expect(withWorkerReplicas(apps, workerProcesses([], {}))).toEqual(apps);
  });

  it('runs worker-maintenance once whatever the count: its job is scheduled, not shared out', () => {
    const withMaintenance = [...apps, { name: 'worker-maintenance', dir: '/apps/worker-maintenance', script: 'node bundle/main.js' }];
    expect(withWorkerReplicas(withMaintenance, 2).map((app) => app.name)).toEqual(['api', 'worker-items', 'worker-items#2', 'worker-maintenance']);
  });

  it('refuses a count that is not a whole number from 1 to 16, naming where it came from', () => {
    for (const given of ['0', '17', 'two', '1.5']) {
      expect(() => workerProcesses(['--workers', given], {})).toThrow(/--workers or WORKER_PROCESSES/);
    }
  });
});

describe('the apps npm start runs', () => {
  const root = fileURLToPath(new URL('../../..', import.meta.url));
  const apps = findStartableApps(root).map((app) => app.name);

  it('include worker-maintenance (retention) next to the gateway, the domain workers and the API', () => {
    expect(apps).toEqual(expect.arrayContaining(['gateway', 'api', 'worker-items', 'worker-maintenance']));
  });

  it('are each bundled into the Docker image and run by a docker-compose service', () => {
    const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
    const compose = readFileSync(join(root, 'docker-compose.yml'), 'utf8');
    const bundled = /RUN node tools\/bootstrap\/bundle\.mjs (.+)/.exec(dockerfile)?.[1]?.split(/\s+/) ?? [];
    for (const app of apps) {
      expect(bundled, app).toContain(`apps/${app}`);
      expect(compose, app).toContain(`command: ['apps/${app}/bundle/main.js']`);
    }
  });
});
