import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { startProcess, type ProcessSpec } from './process.js';

/** A spec for a Node process running `script` (inline, with `node -e`). */
const inline = (script: string, ready: ProcessSpec['ready'], extra: Partial<ProcessSpec> = {}): ProcessSpec => ({
  name: 'probe',
  args: ['-e', script],
  cwd: tmpdir(),
  env: process.env,
  ready,
  ...extra,
});
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
// Stays up until SIGTERM, then exits 0, as the apps do.
const politeProcess = `process.on('SIGTERM', () => process.exit(0)); console.log('probe ready'); setInterval(() => {}, 1000);`;

describe('startProcess', () => {
  it('waits for the log line it is told, then stops the process with SIGTERM and gives its exit code', async () => {
    const probe = await startProcess(inline(politeProcess, { logLine: 'probe ready' }));
    expect(probe.isRunning()).toBe(true);
    expect(probe.output()).toContain('probe ready');
    expect(probe.peakRssMb()).toBeGreaterThan(0);
    expect(await probe.stop()).toBe(0);
    expect(probe.isRunning()).toBe(false);
  });

  it('waits until a URL answers 2xx', async () => {
    const server = `require('node:http').createServer((q, s) => s.end('ok')).listen(0, '127.0.0.1', function () { console.log('port=' + this.address().port); });`;
    // The port is only known from the output: probe it from a log line first, then from the URL.
    const probe = await startProcess(inline(server, { logLine: 'port=' }));
    const port = /port=(\d+)/.exec(probe.output())![1];
    await probe.stop('SIGKILL');
    const again = await startProcess(inline(server.replace('listen(0', `listen(${port}`), { url: `http://127.0.0.1:${port}/` }));
    expect(await fetch(`http://127.0.0.1:${port}/`).then((r) => r.text())).toBe('ok');
    await again.stop('SIGKILL');
  });

  it('kills a process that does not stop within its grace period', async () => {
    const stubborn = await startProcess(inline(`process.on('SIGTERM', () => {}); console.log('probe ready'); setInterval(() => {}, 1000);`, { logLine: 'probe ready' }, { stopGraceMs: 300 }));
    const began = Date.now();
    expect(await stubborn.stop()).toBeNull();
    expect(Date.now() - began).toBeLessThan(5_000);
    expect(alive(stubborn.pid)).toBe(false);
  });

  it('says why a process that exits before it is ready did not start, with what it printed', async () => {
    await expect(startProcess(inline(`console.error('no database'); process.exit(3)`, { logLine: 'never' }))).rejects.toThrow(/probe did not start: it exited \(code 3[\s\S]*no database/);
  });

  it('kills a process that is not ready in time', async () => {
    const pids: number[] = [];
    await expect(
      startProcess(inline(`console.log('pid=' + process.pid); setInterval(() => {}, 1000);`, { logLine: 'never' }, { readyTimeoutMs: 3_000 })).catch((error: Error) => {
        pids.push(Number(/pid=(\d+)/.exec(error.message)?.[1]));
        throw error;
      }),
    ).rejects.toThrow(/not ready within 3000 ms/);
    expect(pids[0]).toBeGreaterThan(0);
    expect(alive(pids[0])).toBe(false);
  });
});
