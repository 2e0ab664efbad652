import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { commandLine, superviseApps } from './supervise.mjs';
import { temporaryFolder } from './test-support.js';

const folders: { remove: () => void }[] = [];
afterEach(() => folders.splice(0).forEach((folder) => folder.remove()));

/** Stand-in apps: small Node programs that behave like servers. */
const programs = {
  // Shuts down 300 ms after the first stop signal, and says how many it got by then.
  graceful: `
    let signals = 0;
    const alive = setInterval(() => undefined, 1000);
    const onStop = (signal) => {
      signals += 1;
      if (signals === 1) setTimeout(() => { console.log('stopped after ' + signals + ' ' + signal); clearInterval(alive); }, 300);
    };
    process.on('SIGTERM', onStop);
    process.on('SIGINT', onStop);
    console.log('ready');
    console.error('a warning');`,
  crashes: `console.log('ready'); setTimeout(() => { console.error('boom'); process.exit(3); }, 300);`,
  stubborn: `process.on('SIGTERM', () => console.log('not stopping')); setInterval(() => undefined, 1000); console.log('ready');`,
};

function appsFolder(names: (keyof typeof programs)[]) {
  const folder = temporaryFolder('supervise');
  folders.push(folder);
  return names.map((name) => {
    writeFileSync(join(folder.dir, `${name}.mjs`), programs[name]);
    return { name, dir: folder.dir, script: `node ${name}.mjs` };
  });
}

function capture() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk) => (text += chunk));
  return { stream, lines: () => text.split('\n').filter(Boolean) };
}

async function until(condition: () => boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await sleep(20);
  }
}

describe('superviseApps', () => {
  it('prefixes each line of output with the app name, and passes one stop signal to a graceful app', async () => {
    const stdout = capture();
    const stderr = capture();
    const apps = appsFolder(['graceful']);
    const supervisor = superviseApps(apps, { root: apps[0].dir, env: process.env, stdout: stdout.stream, stderr: stderr.stream });
    await until(() => stdout.lines().includes('graceful | ready'));

    supervisor.stop('SIGTERM');
    expect(await supervisor.exitCode).toBe(0);
    expect(stdout.lines()).toEqual(['graceful | ready', 'graceful | stopped after 1 SIGTERM']);
    expect(stderr.lines()).toEqual(['graceful | a warning']);
  });

  it('stops the other apps and fails when one stops on its own', async () => {
    const stdout = capture();
    const stderr = capture();
    const apps = appsFolder(['crashes', 'graceful']);
    const supervisor = superviseApps(apps, { root: apps[0].dir, env: process.env, stdout: stdout.stream, stderr: stderr.stream });

    expect(await supervisor.exitCode).toBe(1);
    expect(stderr.lines()).toContain('crashes  | boom');
    expect(stderr.lines()).toContain('wmsi: crashes stopped unexpectedly (exit code 3)');
    expect(stdout.lines()).toContain('graceful | stopped after 1 SIGTERM');
  });

  it('kills an app that ignores the stop signal once the grace period is over', async () => {
    const stdout = capture();
    const stderr = capture();
    const apps = appsFolder(['stubborn']);
    const supervisor = superviseApps(apps, { root: apps[0].dir, env: process.env, stdout: stdout.stream, stderr: stderr.stream, graceMs: 500 });
    await until(() => stdout.lines().includes('stubborn | ready'));

    const stopping = Date.now();
    supervisor.stop('SIGTERM');
    expect(await supervisor.exitCode).toBe(1);
    expect(Date.now() - stopping).toBeGreaterThanOrEqual(450);
    expect(stdout.lines()).toContain('stubborn | not stopping');
    expect(stderr.lines()).toContain('wmsi: stubborn failed while stopping (signal SIGKILL)');
  });
});

describe('commandLine', () => {
  it('runs a plain start script directly, with this Node, so signals and exit codes are the app’s own', () => {
    expect(commandLine('node --conditions=@wmsi/source --import tsx src/main.ts', '/repo/apps/gateway', '/repo')).toEqual([
      process.execPath,
      ['--conditions=@wmsi/source', '--import', 'tsx', 'src/main.ts'],
    ]);
  });

  it('hands a script that needs a shell to sh', () => {
    expect(commandLine('LOG_LEVEL=debug node src/main.ts', '/repo/apps/gateway', '/repo')).toEqual(['/bin/sh', ['-c', 'LOG_LEVEL=debug node src/main.ts']]);
    expect(commandLine('tsc && node dist/main.js', '/repo/apps/gateway', '/repo')).toEqual(['/bin/sh', ['-c', 'tsc && node dist/main.js']]);
  });
});
