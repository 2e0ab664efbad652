import { createChangesTestbed, schemaMismatches, type ChangesTestbed } from '@wmsi/changes/testing';
import { inventoryAdjustmentBody, nextTimeStamp } from '@wmsi/contracts/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adjustmentsTables } from './index.js';

describe('inventory-adjustment changes (adjustments)', () => {
  let bed: ChangesTestbed;
  beforeAll(async () => {
    bed = await createChangesTestbed({ domain: 'adjustments', tables: adjustmentsTables });
  });
  afterAll(() => bed?.cleanup());

  it('has a typed column in the migrated schema for every field of its column contract', async () => {
    expect(await schemaMismatches(bed.db, adjustmentsTables)).toEqual([]);
  });

  it('stores an adjustment released from a count, with signed line quantities per warehouse and location', async () => {
    const balanced = nextTimeStamp();
    const released = nextTimeStamp();
    // Released arrives before Balanced (a retry): the older state must not come back.
    await bed.apply('inventory-adjustments', inventoryAdjustmentBody({ referenceNbr: 'ADJ000031', deletedLines: 2, timeStamp: released }));
    const older = await bed.apply('inventory-adjustments', inventoryAdjustmentBody({ referenceNbr: 'ADJ000031', timeStamp: balanced }));
    expect(older.stale).toBe(2);
    expect(
      await bed.db.selectFrom('inventory_adjustments').selectAll().where('reference_nbr', '=', 'ADJ000031').executeTakeFirst(),
    ).toMatchObject({ status: 'Released', pi_id: 'PI000012', source_timestamp: released });
    const lines = await bed.db
      .selectFrom('inventory_adjustment_lines')
      .select(['line_nbr', 'warehouse', 'location', 'qty', 'reason_code'])
      .where('reference_nbr', '=', 'ADJ000031')
      .orderBy('line_nbr')
      .execute();
    expect(lines).toEqual([
      { line_nbr: 1, warehouse: 'MAIN', location: 'R1S1', qty: '8.5', reason_code: 'PHYSICAL' },
      { line_nbr: 2, warehouse: 'MAIN', location: 'R2S1', qty: '-16', reason_code: 'PHYSICAL' },
    ]);
  });
});
