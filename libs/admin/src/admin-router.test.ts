import { topicTables } from '@wmsi/db';
import { createChangesTestbed, type ChangesTestbed } from '@wmsi/changes/testing';
import { createWebhookAuthenticator } from '@wmsi/intake';
import { router, verifyToken } from '@wmsi/trpc';
import { createRouterTestbed } from '@wmsi/trpc/testing';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminRouter, sessionRouter } from './router.js';

const codeOf = (error: unknown) => (error instanceof TRPCError ? error.code : String(error));

describe('admin: webhook keys and client tokens, as the command line manages them', () => {
  let bed: ChangesTestbed;
  let api: ReturnType<typeof createRouterTestbed<ReturnType<typeof appRouter>>>;
  const appRouter = () => router({ admin: adminRouter, session: sessionRouter });
  beforeAll(async () => {
    bed = await createChangesTestbed({ domain: 'items', tables: [topicTables('stock-items', { document: 'stock_items' })] });
    api = createRouterTestbed(bed, appRouter());
    api.deps.webhook = { publicUrl: 'http://wms.example.com:3000/', headerName: 'X-Api-Key' };
  });
  afterAll(async () => {
    await api?.close();
    await bed?.cleanup();
  });

  it('creates a key with the three SM302000 values, lists it without its secret, and revokes it everywhere', async () => {
    const admin = await api.as('admin');
    const created = await admin.admin.keys.create({ topic: 'stock-items', label: 'console' });
    expect(created).toMatchObject({
      topic: 'stock-items',
      label: 'console',
      address: 'http://wms.example.com:3000/webhooks/acumatica/stock-items',
      headerName: 'X-Api-Key',
    });
    expect(created.headerValue.startsWith(`${created.id}.`)).toBe(true);
    const authenticate = createWebhookAuthenticator({ db: bed.db, redis: bed.redis, keys: api.deps.intake });
    expect(await authenticate('stock-items', created.headerValue)).toBe('accepted');

    const listed = (await admin.admin.keys.list()).find((key) => key.id === created.id);
    expect(listed).toMatchObject({ topic: 'stock-items', label: 'console', revokedAt: null });
    expect(JSON.stringify(listed)).not.toContain(created.headerValue.split('.')[1]);

    expect(await admin.admin.keys.revoke({ id: created.id })).toEqual({ id: created.id, revoked: true });
    expect(await authenticate('stock-items', created.headerValue)).toBe('unknown');
    expect((await admin.admin.keys.list()).find((key) => key.id === created.id)?.revokedAt).toBeInstanceOf(Date);
    expect(codeOf(await admin.admin.keys.revoke({ id: 'ak_0000000000' }).catch((e: unknown) => e))).toBe('NOT_FOUND');
  });

  it('creates a client token that works at once, lists tokens without secrets, and revokes one', async () => {
    const admin = await api.as('admin');
    const created = await admin.admin.tokens.create({ role: 'handheld', name: 'Scanner 12, dock 3' });
    expect(await verifyToken(bed.db, created.token)).toMatchObject({ tokenId: created.id, role: 'handheld', name: 'Scanner 12, dock 3' });
    const listed = await admin.admin.tokens.list();
    expect(listed.find((token) => token.id === created.id)).toMatchObject({ role: 'handheld', revokedAt: null });
    expect(JSON.stringify(listed)).not.toContain(created.token.split('.')[1]);
    await admin.admin.tokens.revoke({ id: created.id });
    expect(await verifyToken(bed.db, created.token)).toBeNull();
  });

  it('refuses an admin revoking the token it is signed in with', async () => {
    const admin = await api.as('admin');
    const me = await admin.session.me();
    expect(me.role).toBe('admin');
    expect(codeOf(await admin.admin.tokens.revoke({ id: me.tokenId }).catch((e: unknown) => e))).toBe('BAD_REQUEST');
  });

  it('keeps keys and tokens to admin tokens, and tells any caller who it is', async () => {
    const desktop = await api.as('desktop');
    expect(codeOf(await desktop.admin.keys.list().catch((e: unknown) => e))).toBe('FORBIDDEN');
    expect(codeOf(await desktop.admin.tokens.create({ role: 'admin', name: 'x' }).catch((e: unknown) => e))).toBe('FORBIDDEN');
    expect(await desktop.session.me()).toMatchObject({ role: 'desktop', name: 'test desktop' });
    expect(codeOf(await api.anonymous().session.me().catch((e: unknown) => e))).toBe('UNAUTHORIZED');
  });
});
