import { bench, describe } from 'vitest';
import { readJsonExactly, readJsonWithLosslessJson } from './exact-json.js';
import { createNotificationChecker, createNotificationReader } from './notification.js';
import { purchaseOrderBody } from './testing/index.js';

// Run with `npx vitest bench --run` in libs/contracts. The gateway reads every webhook body once,
// on the request path; this is the budget the numbers in the report are about.
const reader = createNotificationReader();
const checker = createNotificationChecker();
// Longer runs than the default: the numbers are compared with each other on a shared machine.
const options = { time: 1500, warmupTime: 300 };

for (const lines of [5, 40]) {
  const body = purchaseOrderBody({ lines, trailingSpaces: true, timeStamp: '638465233453014192' });
  if (!reader('purchase-orders', body).ok) throw new Error('the benchmark body must be valid');

  describe(`${lines}-line purchase order, ${(body.length / 1024).toFixed(1)} KiB`, () => {
    bench('JSON.parse alone (rounds the TimeStamp)', () => void JSON.parse(body), options);
    bench('lossless-json parse alone', () => void readJsonWithLosslessJson(body), options);
    bench('exact reading alone (scan + JSON.parse)', () => void readJsonExactly(body), options);
    bench('full reader(topic, body)', () => void reader('purchase-orders', body), options);
    bench('checker(topic, body): the gateway\'s validation', () => void checker('purchase-orders', body), options);
  });
}
