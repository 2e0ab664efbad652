import { waitUntilSettled } from '@wmsi/acumatica-sim';
import { TOPICS } from '@wmsi/contracts';
import { assemblyOrderBody, inventoryAdjustmentBody, salesOrderBody, stockItemBody } from '@wmsi/contracts/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { body, poRow, shipmentRow } from './bodies.js';
import { launchChromium } from './browser.js';
import { screenshot, signIn, startConsoleStack, type ConsoleStack } from './console-stack.js';

const DESKTOP = { viewport: { width: 1280, height: 900 } };
const HANDHELD = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

describe('the console in chromium, against the real stack', () => {
  let stack: ConsoleStack;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const newPage = async (options: typeof DESKTOP | typeof HANDHELD): Promise<Page> => {
    const context = await browser.newContext(options);
    contexts.push(context);
    return context.newPage();
  };

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startConsoleStack(), launchChromium()]);
    // Something of every topic, as Acumatica would push it.
    const posted = await Promise.all([
      stack.post('purchase-orders', body('WMS Purchase Orders', { inserted: [poRow('E2E-LIVE', 1), poRow('E2E-LIVE', 2)] })),
      stack.post('purchase-orders', body('WMS Purchase Orders', { inserted: [poRow('E2E-DOCK', 1), poRow('E2E-DOCK', 2)] })),
      stack.post('shipments', body('WMS Shipments', { inserted: [shipmentRow('E2E-SH1', 1), shipmentRow('E2E-SH1', 2)] })),
      stack.post('stock-items', stockItemBody({ inventoryId: 'AALEGO500' })),
      stack.post('sales-orders', salesOrderBody({ orderNbr: 'E2E-SO1', lines: 2 })),
      stack.post('assembly-orders', assemblyOrderBody({ referenceNbr: 'E2E-AS1', lines: 2 })),
      stack.post('inventory-adjustments', inventoryAdjustmentBody({ referenceNbr: 'E2E-ADJ1', lines: 2 })),
    ]);
    expect(posted.map((reply) => reply.status)).toEqual(posted.map(() => 202));
    await waitUntilSettled(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', stack.prefix, 30_000);
  });
  afterAll(async () => {
    await Promise.all(contexts.map((context) => context.close()));
    await browser?.close();
    await stack?.close();
  });

  it('signs in with a desktop token and shows the six topics on Health', async () => {
    const page = await newPage(DESKTOP);
    await signIn(page, stack, stack.tokens.desktop, 'Health');
    const topics = page.getByRole('table', { name: 'Topics' });
    await topics.waitFor();
    expect(await topics.getByRole('rowheader').allTextContents()).toEqual([...TOPICS]);
    // The figures are the workers' own: every topic received and applied what was posted.
    const purchaseOrders = topics.getByRole('row', { name: /^purchase-orders/ });
    expect(await purchaseOrders.getByRole('cell').nth(0).textContent()).toBe('2');
    // A trickle of ERP changes while the page polls: the chart draws their rate and lag.
    for (let i = 1; i <= 20; i += 1) {
      await stack.post('purchase-orders', body('WMS Purchase Orders', { inserted: [poRow(`FLOW-${i}`, 1)] }));
      await page.waitForTimeout(500);
    }
    await page.getByRole('img', { name: /peaks (?!0\.0\/s)[\d.]+\/s and [1-9]\d* ms/ }).waitFor({ timeout: 15_000 });
    await screenshot(page, 'health');

    await page.getByRole('link', { name: 'Documents' }).click();
    await page.getByLabel('Number or key').fill('E2E-');
    await page.getByRole('button', { name: 'Search' }).click();
    const found = page.getByRole('table', { name: 'Documents found' });
    await found.getByRole('link', { name: 'E2E-SO1' }).waitFor();
    expect(await found.getByRole('rowheader').allTextContents()).toEqual(expect.arrayContaining(['E2E-ADJ1', 'E2E-AS1', 'E2E-DOCK', 'E2E-LIVE', 'E2E-SH1', 'E2E-SO1']));
    await screenshot(page, 'documents');
  });

  it('shows a change posted to the gateway on an open document page and in the feed, without a reload', async () => {
    const page = await newPage(DESKTOP);
    await signIn(page, stack, stack.tokens.desktop, 'Health');
    await page.goto(`${stack.url}/documents/purchase-orders?orderType=Normal&orderNbr=E2E-LIVE`);
    await page.getByRole('heading', { name: 'Purchase order Normal E2E-LIVE' }).waitFor();
    await page.getByText('Following ERP changes live').waitFor();
    const lines = page.getByRole('table', { name: 'Lines' });
    const orderedOnLine2 = lines.getByRole('row').nth(2).getByRole('cell').nth(4);
    await orderedOnLine2.filter({ hasText: /^10$/ }).waitFor();
    const feed = await newPage(DESKTOP);
    await signIn(feed, stack, stack.tokens.desktop, 'Health');
    await feed.goto(`${stack.url}/changes?topic=purchase-orders`);
    await feed.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    await page.evaluate(() => Object.assign(window, { notReloaded: true }));

    // The ERP cuts line 2's ordered quantity: Deleted + Inserted in one request, as Acumatica sends an update.
    const cut = await stack.post('purchase-orders', body('WMS Purchase Orders', { deleted: [poRow('E2E-LIVE', 2)], inserted: [poRow('E2E-LIVE', 2, { OrderQty: 3, OpenQty: 3 })] }));
    expect(cut.status).toBe(202);
    await page.getByRole('status').filter({ hasText: 'Updated by the ERP' }).waitFor();
    await orderedOnLine2.filter({ hasText: /^3$/ }).waitFor();
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    await page.getByRole('table', { name: 'Applied changes' }).getByText('orderQty 10 → 3').first().waitFor();
    await screenshot(page, 'document');

    const changes = feed.getByRole('table', { name: 'Change feed' });
    await changes.getByText('orderQty 10 → 3').waitFor();
    // Paused, the feed shows nothing new; resumed, it gets what it missed from the last event id.
    await feed.getByRole('button', { name: 'Pause' }).click();
    await feed.getByRole('status').filter({ hasText: 'Paused' }).waitFor();
    await stack.post('purchase-orders', body('WMS Purchase Orders', { deleted: [poRow('E2E-LIVE', 2, { OrderQty: 3, OpenQty: 3 })], inserted: [poRow('E2E-LIVE', 2, { OrderQty: 7, OpenQty: 7 })] }));
    await page.getByRole('status').filter({ hasText: 'changed line 2' }).waitFor();
    expect(await changes.getByText('orderQty 3 → 7').count()).toBe(0);
    await feed.getByRole('button', { name: 'Resume' }).click();
    await changes.getByText('orderQty 3 → 7').waitFor();
    expect(await changes.getByText('orderQty 10 → 3').count()).toBe(1);
    await screenshot(feed, 'changes');
  });

  it('shows a refused notification in Quarantine and replays it once the mapping is fixed', async () => {
    // A customer's inquiry captions the item "Item": the default mapping refuses the body (422).
    const refusedBody = body('WMS Stock Items', { id: 'e2e-renamed-caption', inserted: [{ Item: 'E2E-RENAMED', Description: 'Renamed caption', ItemStatus: 'Active' }] });
    expect((await stack.post('stock-items', refusedBody)).status).toBe(422);

    const page = await newPage(DESKTOP);
    await signIn(page, stack, stack.tokens.admin, 'Health');
    await page.getByRole('link', { name: 'Quarantine' }).click();
    await page.getByLabel('Notification Id').fill('e2e-renamed-caption');
    await page.getByRole('button', { name: 'Find' }).click();
    const list = page.getByRole('table', { name: 'Quarantined notifications' });
    await page.waitForURL(/id=e2e-renamed-caption/);
    // The unfiltered list shown first holds this notification too; the filtered one replaces it
    // when its answer comes, so the rows are counted once they are the filtered list's.
    await list.getByRole('cell', { name: 'e2e-renamed-caption' }).waitFor();
    await expect.poll(() => list.getByRole('row').count()).toBe(2);
    expect(await list.getByRole('cell', { name: 'invalid-rows' }).count()).toBe(1);
    await screenshot(page, 'quarantine');

    await list.getByRole('link', { name: /Quarantined #/ }).click();
    expect(await page.getByLabel('Raw body').textContent()).toBe(refusedBody);
    await page.getByLabel('Pretty-printed body').getByText('Inserted[0].InventoryID: key column missing', { exact: false }).waitFor();
    await page.getByRole('button', { name: 'Replay' }).click();
    await page.getByRole('alert').filter({ hasText: 'Not replayed: Still refused' }).waitFor();
    await screenshot(page, 'quarantined');

    await stack.fixMapping({ 'stock-items': { inventoryId: ['Item'] } }, ['api', 'worker-items']);
    await page.getByRole('button', { name: 'Replay' }).click();
    await page.getByRole('status').filter({ hasText: 'Replayed' }).waitFor();
    // The worker applied it: the item is a document now.
    await page.goto(`${stack.url}/documents?q=E2E-RENAMED`);
    await page.getByRole('table', { name: 'Documents found' }).getByRole('link', { name: 'E2E-RENAMED' }).waitFor({ timeout: 20_000 });
    await page.goto(`${stack.url}/quarantine`);
    await page.getByText('Nothing in quarantine').waitFor();

    // The admin's other screens, for the README.
    await page.getByRole('link', { name: 'Dead letters' }).click();
    await page.getByText('No dead letters in the receiving queue').waitFor();
    await screenshot(page, 'dead-letters');
    await page.getByRole('link', { name: 'Keys' }).click();
    await page.getByLabel('Topic').selectOption('stock-items');
    await page.getByLabel('Label').fill('Acumatica production');
    await page.getByRole('button', { name: 'Create key' }).click();
    expect(await page.getByLabel('Header Value').textContent()).toMatch(/^ak_[0-9a-f]{10}\.[A-Za-z0-9_-]{43}$/);
    await screenshot(page, 'keys');
    await page.getByRole('link', { name: 'Tokens' }).click();
    await page.getByLabel('Role').selectOption('handheld');
    await page.getByLabel('Name').fill('Scanner 14, dock 1');
    await page.getByRole('button', { name: 'Create token' }).click();
    expect(await page.getByLabel('New token value').textContent()).toMatch(/^wt_[0-9a-f]{10}\./);
    await page.getByRole('table', { name: 'Tokens' }).getByRole('cell', { name: 'Scanner 14, dock 1' }).waitFor();
    await screenshot(page, 'tokens');
  });

  it('receives on a handheld viewport and shows the open quantity drop, booking a double tap once', async () => {
    const page = await newPage(HANDHELD);
    await signIn(page, stack, stack.tokens.handheld, 'Receive');
    await page.getByLabel('PO number').fill('E2E-DOCK');
    await page.getByLabel('PO number').press('Enter');
    const line1 = page.getByRole('button', { name: /^Line 1, AALEGO500/ });
    await line1.waitFor();
    expect(await line1.getAttribute('aria-label')).toBe('Line 1, AALEGO500, Open 10');
    // A keyboard-wedge scanner types the code and presses Enter.
    await page.getByLabel('Item').fill('AALEGO500');
    await page.getByLabel('Item').press('Enter');
    await page.getByRole('button', { name: /^Line 1, AALEGO500/, pressed: true }).waitFor();
    expect(await page.getByLabel('Quantity').inputValue()).toBe('1');
    await page.getByRole('button', { name: 'Receive', exact: true }).dblclick();
    await page.getByRole('status').filter({ hasText: 'Open now: 9' }).waitFor();
    await page.getByRole('button', { name: 'Line 1, AALEGO500, Open 9' }).waitFor();
    const receipts = await stack.db.selectFrom('receipts').select(['qty']).where('order_nbr', '=', 'E2E-DOCK').execute();
    expect(receipts.map((r) => Number(r.qty))).toEqual([1]);
    await screenshot(page, 'receive');

    // More than is open: refused in plain words, nothing booked.
    await page.getByLabel('Item').fill('AALEGO500');
    await page.getByLabel('Item').press('Enter');
    await page.getByLabel('Quantity').fill('50');
    await page.getByLabel('Quantity').press('Enter');
    await page.getByRole('alert').filter({ hasText: 'Not received: Only 9 left to receive' }).waitFor();

    await page.getByRole('link', { name: 'Pick' }).click();
    await page.getByLabel('Shipment number').fill('E2E-SH1');
    await page.getByLabel('Shipment number').press('Enter');
    await page.getByLabel('Item').fill('AALEGO500');
    await page.getByLabel('Item').press('Enter');
    await page.getByRole('button', { name: 'Pick', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Left to pick: 3' }).waitFor();
    await screenshot(page, 'pick');

    await page.getByRole('link', { name: 'Count' }).click();
    await page.getByLabel('Item').fill('AALEGO500');
    await page.getByLabel('Item').press('Enter');
    await page.getByLabel('Location').fill('R1S1');
    await page.getByLabel('Location').press('Enter');
    await page.getByLabel('Counted difference').fill('-1');
    await page.getByLabel('Counted difference').press('Enter');
    await page.getByRole('status').filter({ hasText: 'Recorded -1 of AALEGO500' }).waitFor();
    await screenshot(page, 'count');
  });
});
