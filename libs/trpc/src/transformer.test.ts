import superjson from 'superjson';
import { describe, expect, it } from 'vitest';
import { apiTransformer, isPlainJson } from './transformer.js';

const changeEvent = {
  id: 'AAAAAAAAJ2sAAAAAAAAAAQ',
  topic: 'purchase-orders',
  kind: 'update',
  level: 'line',
  rowKey: { orderType: 'Normal', orderNbr: 'PO000123', lineNbr: 1 },
  documentKey: { orderType: 'Normal', orderNbr: 'PO000123' },
  warehouse: 'MAIN',
  previousWarehouse: null,
  sourceTimestamp: '638465233453014192',
  appliedAt: '2026-11-30T02:00:00.000Z',
  before: { orderQty: '5', receivedQty: '0', status: 'Open', unicode: 'Größe ✓' },
  after: { orderQty: '5', receivedQty: '5', status: 'Completed', tags: [1, 2.5, -3, true, null] },
};

describe('the API transformer: superjson on the wire, without its walk for plain JSON', () => {
  it('sends plain JSON exactly as superjson does, and superjson clients read it back unchanged', () => {
    for (const value of [changeEvent, [changeEvent, structuredClone(changeEvent)], { items: [], nextCursor: null }, 'text', 0, 42.5, true, null, {}, { nested: { deeper: [[{ a: 'b' }]] } }]) {
      const sent = apiTransformer.output.serialize(value);
      expect(sent).toEqual(superjson.serialize(value));
      expect(superjson.deserialize(JSON.parse(JSON.stringify(sent)))).toEqual(value);
    }
  });

  it('leaves everything superjson describes to superjson: Dates, BigInts, undefined, NaN, -0, Maps, Sets, class instances, odd keys, cycles', () => {
    class Pallet {
      constructor(readonly id: string) {}
    }
    const cycle: Record<string, unknown> = { name: 'loop' };
    cycle['self'] = cycle;
    const special: unknown[] = [
      { removedAt: new Date('2026-11-30T00:00:00Z') },
      { big: 638465233453014192n },
      { missing: undefined },
      [1, undefined, 3],
      { ratio: Number.NaN },
      { infinite: Number.POSITIVE_INFINITY },
      { zero: -0 },
      { map: new Map([['a', 1]]) },
      { set: new Set(['a']) },
      { pallet: new Pallet('P1') },
      cycle,
      // eslint-disable-next-line no-sparse-arrays
      [1, , 3],
    ];
    for (const value of special) {
      expect(isPlainJson(value, 0)).toBe(false);
      expect(apiTransformer.output.serialize(value)).toEqual(superjson.serialize(value));
    }
    for (const polluting of [JSON.parse('{"__proto__": {"polluted": true}}') as unknown, { constructor: 'x' }]) {
      expect(isPlainJson(polluting, 0)).toBe(false);
      expect(() => apiTransformer.output.serialize(polluting)).toThrow(/prototype pollution/);
    }
  });
});
