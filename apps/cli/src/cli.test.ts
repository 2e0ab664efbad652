import { createNotificationChecker } from '@wmsi/contracts';
import { stockItemBody } from '@wmsi/contracts/testing';
import { quarantineBody } from '@wmsi/db';
import { createWebhookAuthenticator } from '@wmsi/intake';
import { createIntakeTestbed, type IntakeTestbed } from '@wmsi/intake/testing';
import { verifyToken } from '@wmsi/trpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, UsageError, type CliContext } from './cli.js';
import { consoleOutput } from './output.js';

describe('npm run wmsi', () => {
  let bed: IntakeTestbed;
  let context: CliContext;
  beforeAll(async () => {
    bed = await createIntakeTestbed();
    context = {
      databaseUrl: bed.databaseUrl,
      settings: { publicUrl: 'https://wms.example.com/', headerName: 'X-Api-Key' },
      keys: bed.keys,
      checkNotification: createNotificationChecker(),
      db: async () => bed.db,
      redis: async () => bed.redis,
    };
  });
  afterAll(async () => bed?.cleanup());

  const run = async (...argv: string[]) => {
    let printed = '';
    await runCli(argv, context, consoleOutput(argv.includes('--json'), (text) => (printed += text)));
    return printed;
  };

  it('keys create --json prints one object with the key and the SM302000 settings, and the key works', async () => {
    const created = JSON.parse(await run('keys', 'create', 'purchase-orders', '--json'));
    expect(Object.keys(created).sort()).toEqual(['headerName', 'id', 'key', 'topic', 'url']);
    expect(created).toMatchObject({
      topic: 'purchase-orders',
      url: 'https://wms.example.com/webhooks/acumatica/purchase-orders',
      headerName: 'X-Api-Key',
    });
    expect(created.key.startsWith(`${created.id}.`)).toBe(true);
    expect(await createWebhookAuthenticator(bed.stores)('purchase-orders', created.key)).toBe('accepted');
  });

  it('keys create for people prints the three values to paste into Acumatica', async () => {
    const text = await run('keys', 'create', 'stock-items');
    expect(text).toMatch(/Address: +https:\/\/wms\.example\.com\/webhooks\/acumatica\/stock-items/);
    expect(text).toMatch(/Header Name: +X-Api-Key/);
    expect(text).toMatch(/Header Value: +ak_[0-9a-f]{10}\.\S{43}/);
  });

  it('keys revoke refuses the key at once and keys list shows it revoked', async () => {
    const { id, key } = JSON.parse(await run('keys', 'create', 'shipments', '--json'));
    expect(JSON.parse(await run('keys', 'revoke', id, '--json'))).toEqual({ id, revoked: true });
    expect(await createWebhookAuthenticator(bed.stores)('shipments', key)).toBe('unknown');
    const { keys } = JSON.parse(await run('keys', 'list', '--json'));
    expect(keys.find((listed: { id: string }) => listed.id === id).revokedAt).not.toBeNull();
    await expect(run('keys', 'revoke', 'ak_missing', '--json')).rejects.toThrow(/No API key with id ak_missing/);
  });

  it('setup issues one key per topic that has none, once', async () => {
    const first = JSON.parse(await run('setup', '--json'));
    // purchase-orders and stock-items already have keys from the tests above; shipments' was revoked.
    expect(first.created.map((created: { topic: string }) => created.topic).sort()).toEqual(['assembly-orders', 'inventory-adjustments', 'sales-orders', 'shipments']);
    const second = JSON.parse(await run('setup', '--json'));
    expect(second.created).toEqual([]);
    expect(second.existing).toHaveLength(6);
  });

  it('migrate reports an up-to-date schema', async () => {
    expect(JSON.parse(await run('migrate', '--json'))).toEqual({ createdDatabase: false, applied: [] });
  });

  it('refuses an unknown command or topic with usage', async () => {
    await expect(run('keys', 'create', 'invoices')).rejects.toBeInstanceOf(UsageError);
    await expect(run('frobnicate')).rejects.toThrow(/Unknown command/);
  });

  it('tokens create prints the token once (--json: id, role, name, token), and tokens revoke refuses it', async () => {
    const created = JSON.parse(await run('tokens', 'create', '--role', 'handheld', '--name', 'Scanner 12, dock 3', '--json'));
    expect(created).toMatchObject({ role: 'handheld', name: 'Scanner 12, dock 3' });
    expect(created.token).toMatch(new RegExp(`^${created.id}\\.[A-Za-z0-9_-]{43}$`));
    expect(await verifyToken(bed.db, created.token)).toMatchObject({ tokenId: created.id, role: 'handheld' });
    expect(JSON.parse(await run('tokens', 'revoke', created.id, '--json'))).toEqual({ id: created.id, revoked: true });
    expect(await verifyToken(bed.db, created.token)).toBeNull();
    await expect(run('tokens', 'create', '--role', 'boss', '--name', 'x')).rejects.toThrow(/role is one of handheld, desktop, admin/);
  });

  it('replay sends a quarantined body back through the intake once it passes, and explains why not otherwise', async () => {
    const good = await quarantineBody(bed.db, { topic: 'stock-items', reason: 'invalid-rows', message: 'was wrong', issues: [], rawBody: Buffer.from(stockItemBody()) });
    const replayed = JSON.parse(await run('replay', good.id, '--json'));
    expect(replayed).toMatchObject({ replayed: 'quarantine', id: good.id, topic: 'stock-items' });
    expect(await bed.redis.xlen(bed.keys.stream)).toBeGreaterThan(0);
    const bad = await quarantineBody(bed.db, { topic: 'stock-items', reason: 'unparseable-json', message: 'cut', issues: [], rawBody: Buffer.from('{"Inserted":[') });
    await expect(run('replay', bad.id)).rejects.toThrow(/Still refused: The body is not valid JSON/);
  });
});
