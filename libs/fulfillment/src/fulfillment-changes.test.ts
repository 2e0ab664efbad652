import { createChangesTestbed, schemaMismatches, type ChangesTestbed } from '@wmsi/changes/testing';
import { assemblyOrderBody, nextTimeStamp, salesOrderBody, shipmentBody } from '@wmsi/contracts/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fulfillmentTables } from './index.js';

describe('fulfillment changes: sales orders, shipments, assembly orders', () => {
  let bed: ChangesTestbed;
  beforeAll(async () => {
    bed = await createChangesTestbed({ domain: 'fulfillment', tables: fulfillmentTables });
  });
  afterAll(() => bed?.cleanup());

  it('has a typed column in the migrated schema for every field of its column contract', async () => {
    expect(await schemaMismatches(bed.db, fulfillmentTables)).toEqual([]);
  });

  it('stores a sales order and applies its update (Open to Shipping) in place', async () => {
    await bed.apply('sales-orders', salesOrderBody({ orderNbr: 'SO000417', lines: 3, timeStamp: nextTimeStamp() }));
    const update = await bed.apply('sales-orders', salesOrderBody({ orderNbr: 'SO000417', lines: 3, deletedLines: 3, trailingSpaces: true, timeStamp: nextTimeStamp() }));
    expect(update).toMatchObject({ applied: 3, pairsInNotification: 3 });
    expect(await bed.db.selectFrom('sales_orders').selectAll().where('order_nbr', '=', 'SO000417').executeTakeFirst()).toMatchObject({
      order_type: 'SO',
      status: 'Shipping',
      customer_id: 'C000042',
      ship_via: 'UPSGROUND',
      last_modified_date_time: '2024-05-06T10:02:55.2+02:00',
    });
    const lines = await bed.db.selectFrom('sales_order_lines').selectAll().where('order_nbr', '=', 'SO000417').orderBy('line_nbr').execute();
    expect(lines.map((line) => line.inventory_id)).toEqual(['AALEGO500', 'AACOMPUT01', 'CONAIRT1']);
  });

  it('stores a shipment with its lines, each pointing at its sales order', async () => {
    await bed.apply('shipments', shipmentBody({ shipmentNbr: 'SH000101', lines: 2, timeStamp: nextTimeStamp() }));
    expect(await bed.db.selectFrom('shipments').selectAll().where('shipment_nbr', '=', 'SH000101').executeTakeFirst()).toMatchObject({
      type: 'Shipment',
      status: 'Confirmed',
      warehouse: 'MAIN',
    });
    const lines = await bed.db.selectFrom('shipment_lines').selectAll().where('shipment_nbr', '=', 'SH000101').orderBy('line_nbr').execute();
    expect(lines).toMatchObject([
      { line_nbr: 1, order_type: 'SO', order_nbr: 'SO000417', location: 'R1S1', lot_serial_nbr: null },
      { line_nbr: 2, location: 'R2S1', lot_serial_nbr: 'LOT2024-2' },
    ]);
  });

  it('stores an assembly order with its component lines', async () => {
    await bed.apply('assembly-orders', assemblyOrderBody({ referenceNbr: 'AS000007', timeStamp: nextTimeStamp() }));
    expect(await bed.db.selectFrom('assembly_orders').selectAll().where('reference_nbr', '=', 'AS000007').executeTakeFirst()).toMatchObject({
      type: 'Assembly',
      kit_inventory_id: 'KITGIFT01',
      qty: '10',
      status: 'Released',
    });
    const components = await bed.db.selectFrom('assembly_order_components').selectAll().where('reference_nbr', '=', 'AS000007').execute();
    expect(components).toHaveLength(3);
  });

  it('logs each topic under its own name, with the warehouse for filtering', async () => {
    const topics = new Set((await bed.changeLog()).map((change) => `${change.topic}@${change.warehouse}`));
    expect(topics).toEqual(new Set(['sales-orders@MAIN', 'shipments@MAIN', 'assembly-orders@MAIN']));
  });
});
