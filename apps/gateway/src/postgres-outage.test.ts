import { purchaseOrderBody } from '@wmsi/contracts/testing';
import { createDb, type Database } from '@wmsi/db';
import { freePort } from '@wmsi/queue/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './testing/gateway.js';

describe('PostgreSQL unreachable while a bad body arrives', () => {
  let gateway: TestGateway;
  let unreachable: Database;
  beforeAll(async () => {
    unreachable = createDb(`postgres://127.0.0.1:${await freePort()}/nowhere`);
    gateway = await startTestGateway({ quarantineDb: unreachable });
  });
  afterAll(async () => {
    await gateway?.close();
    await unreachable?.destroy();
  });

  it('answers 503 with Retry-After instead of a 4xx it could not back with a quarantined copy', async () => {
    const reply = await gateway.post('purchase-orders', purchaseOrderBody().slice(0, 100));
    expect(reply.statusCode).toBe(503);
    expect(reply.headers['retry-after']).toBe('5');
  });

  it('still accepts good notifications: they only need Redis', async () => {
    expect((await gateway.post('purchase-orders', purchaseOrderBody())).statusCode).toBe(202);
  });
});
