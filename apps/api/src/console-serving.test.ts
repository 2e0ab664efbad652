import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createChangesTestbed, type ChangesTestbed } from '@wmsi/changes/testing';
import { itemsTables } from '@wmsi/items';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './testing/api.js';

describe('the API serves the console at /', () => {
  let bed: ChangesTestbed;
  let api: TestApi;
  let dir: string;
  beforeAll(async () => {
    // A console build as Vite writes it: index.html and content-hashed assets.
    dir = mkdtempSync(join(tmpdir(), 'wmsi-console-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>WMSi</title><div id="root"></div>');
    writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log("console")');
    bed = await createChangesTestbed({ domain: 'items', tables: itemsTables });
    api = await startTestApi(bed, { consoleDir: dir });
  });
  afterAll(async () => {
    await api?.close();
    await bed?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers / and every screen address with index.html, never cached', async () => {
    for (const path of ['/', '/quarantine/12', '/handheld/receive']) {
      const reply = await fetch(`${api.url}${path}`, { headers: { accept: 'text/html' } });
      expect(reply.status).toBe(200);
      expect(reply.headers.get('content-type')).toMatch(/text\/html/);
      expect(reply.headers.get('cache-control')).toBe('no-cache');
      expect(await reply.text()).toContain('<div id="root">');
    }
  });

  it('serves assets as immutable, and keeps 404s for missing assets, tRPC and non-page requests', async () => {
    const asset = await fetch(`${api.url}/assets/index-abc123.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(`${api.url}/assets/missing.js`, { headers: { accept: 'text/html' } })).status).toBe(404);
    expect((await fetch(`${api.url}/trpc/no.such.procedure`, { headers: { accept: 'text/html' } })).status).toBe(404);
    expect((await fetch(`${api.url}/nothing-here`, { headers: { accept: 'application/json' } })).status).toBe(404);
    expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
  });
});
