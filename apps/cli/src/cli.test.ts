import { createWebhookAuthenticator } from '@wmsi/intake';
import { createIntakeTestbed, type IntakeTestbed } from '@wmsi/intake/testing';
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
});
