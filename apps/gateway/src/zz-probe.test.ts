import { stockItemBody } from '@wmsi/contracts/testing';
import { afterAll, beforeAll, it } from 'vitest';
import { startTestGateway, type TestGateway } from './testing/gateway.js';

let g: TestGateway;
beforeAll(async () => { g = await startTestGateway({ bodyLimit: 64 * 1024 }); });
afterAll(async () => g?.close());

it('probe', async () => {
  const key = g.apiKeys['stock-items'];
  const tries: Array<[string, Parameters<TestGateway['app']['inject']>[0]]> = [];
  const base = { url: '/webhooks/acumatica/stock-items', headers: { 'content-type': 'application/json', 'x-api-key': key }, payload: stockItemBody() };
  for (const m of ['GET', 'PUT', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH', 'FOO', 'PROPFIND', 'SEARCH', 'TRACE', 'CONNECT'])
    tries.push([m, { ...base, method: m as 'GET' }]);
  for (const ct of ['application/json; charset=utf-16', 'application/json; charset=latin1', 'text/plain', 'application/x-www-form-urlencoded', 'APPLICATION/JSON', 'application/json;;', 'application/vnd.x+json', ';', '', 'application/json, text/plain', 'application/json ; charset="utf-8"', 'application/jsonx', 'application/json\u00ff'])
    tries.push([`ct ${JSON.stringify(ct)}`, { ...base, method: 'POST', headers: { ...base.headers, 'content-type': ct } }]);
  tries.push(['no ct', { ...base, method: 'POST', headers: { 'x-api-key': key } }]);
  tries.push(['no ct empty', { url: base.url, method: 'POST', headers: { 'x-api-key': key } }]);
  tries.push(['ct empty body', { url: base.url, method: 'POST', headers: base.headers }]);
  for (const u of ['/webhooks/acumatica/stock%2Ditems', '/webhooks/acumatica/%E0%A4%A', '/webhooks/acumatica/%', '/webhooks/acumatica/stock-items?x=%', '/webhooks/acumatica/ü', '/webhooks/acumatica/', '/webhooks/acumatica/stock-items/', '/webhooks/acumatica/a/b', '/webhooks/acumatica/%00', '//webhooks/acumatica/stock-items', '/webhooks/acumatica/stock-items#x', '/webhooks/acumatica/stock-items;x', 'http://x/webhooks/acumatica/stock-items', '/WEBHOOKS/acumatica/stock-items'])
    tries.push([`url ${u}`, { ...base, method: 'POST', url: u }]);
  tries.push(['NUL query', { ...base, method: 'POST', payload: '{"Query":"a\u0000b"' }]);
  tries.push(['NUL ts', { ...base, method: 'POST', payload: '{"Query":"a","Id":"x","TimeStamp":"\\u0000"}' }]);
  tries.push(['NUL byte', { ...base, method: 'POST', payload: Buffer.from([0]) }]);
  tries.push(['upper header', { ...base, method: 'POST', headers: { 'content-type': 'application/json', 'X-API-KEY': key } }]);
  tries.push(['array header', { ...base, method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': [key, key] as unknown as string } }]);
  tries.push(['deep', { ...base, method: 'POST', payload: '['.repeat(10000) }]);
  tries.push(['content-length lie', { ...base, method: 'POST', headers: { ...base.headers, 'content-length': '5' } }]);
  tries.push(['content-length big', { ...base, method: 'POST', headers: { ...base.headers, 'content-length': '999999999' } }]);
  tries.push(['content-length neg', { ...base, method: 'POST', headers: { ...base.headers, 'content-length': '-1' } }]);
  tries.push(['content-length junk', { ...base, method: 'POST', headers: { ...base.headers, 'content-length': 'abc' } }]);
  tries.push(['te chunked', { ...base, method: 'POST', headers: { ...base.headers, 'transfer-encoding': 'chunked' } }]);
  tries.push(['ce gzip', { ...base, method: 'POST', headers: { ...base.headers, 'content-encoding': 'gzip' } }]);
  for (const [name, opts] of tries) {
    try {
      const r = await g.app.inject(opts);
      console.log(name, r.statusCode, JSON.stringify(r.body.slice(0, 200)));
    } catch (e) {
      console.log(name, 'THROWS', (e as Error).message);
    }
  }
});
