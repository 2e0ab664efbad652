import type { Row } from '@wmsi/contracts';
import { describe, expect, it } from 'vitest';
import { pairWithinNotification } from './within-notification.js';

const row = (orderNbr: string, lineNbr: number, openQty: number): Row => ({
  key: { orderType: 'Normal', orderNbr, lineNbr },
  values: { orderNbr, lineNbr, openQty },
  extra: {},
  rowKey: JSON.stringify(['Normal', orderNbr, lineNbr]),
});

describe('pairWithinNotification', () => {
  it('pairs Deleted and Inserted rows by row key, leaving the rest lone', () => {
    const paired = pairWithinNotification(
      [row('PO1', 1, 5), row('PO1', 3, 9)],
      [row('PO1', 1, 10), row('PO1', 2, 4)],
    );
    expect(paired.updates).toEqual([{ before: row('PO1', 1, 10), after: row('PO1', 1, 5) }]);
    expect(paired.loneInserted).toEqual([row('PO1', 3, 9)]);
    expect(paired.loneDeleted).toEqual([row('PO1', 2, 4)]);
  });

  it('pairs rows whose keys differed only in trailing spaces (the reader trimmed them into one row key)', () => {
    const paired = pairWithinNotification([row('PO1', 1, 5)], [{ ...row('PO1', 1, 10), values: { orderNbr: 'PO1  ' } }]);
    expect(paired.updates).toHaveLength(1);
    expect(paired.loneDeleted).toEqual([]);
  });

  it('keeps the last row when a key repeats on one side', () => {
    const paired = pairWithinNotification([row('PO1', 1, 5), row('PO1', 1, 6)], []);
    expect(paired.loneInserted).toEqual([row('PO1', 1, 6)]);
  });
});
