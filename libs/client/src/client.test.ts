import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWmsClient, TRPCClientError } from './index.js';

// The client against a bare HTTP server that records what arrives: the API itself is exercised
// end to end in apps/api; this checks what the client puts on the wire.
describe('createWmsClient', () => {
  const seen: Array<{ url: string; headers: IncomingHttpHeaders }> = [];
  const server = createServer((request, response) => {
    seen.push({ url: request.url ?? '', headers: request.headers });
    response.writeHead(401, { 'content-type': 'application/json' });
    response.end(JSON.stringify([{ error: { json: { message: 'no', code: -32001, data: { code: 'UNAUTHORIZED', httpStatus: 401 } } } }]));
  });
  let url = '';
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('sends the token as a bearer header to /trpc, with superjson input, and surfaces the error code', async () => {
    const client = createWmsClient({ url, token: 'wt_0123456789.secret' });
    const error = await client.items.get.query({ inventoryId: 'AALEGO500' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCClientError);
    expect((error as TRPCClientError<never>).data).toMatchObject({ code: 'UNAUTHORIZED' });
    expect(seen[0].headers.authorization).toBe('Bearer wt_0123456789.secret');
    expect(seen[0].url).toMatch(/^\/trpc\/items\.get\?batch=1&input=/);
    expect(decodeURIComponent(seen[0].url)).toContain('{"0":{"json":{"inventoryId":"AALEGO500"}}}');
  });
});
