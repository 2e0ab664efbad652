import { describe, expect, it } from 'vitest';
import { childPath, JsonSyntaxError, parseExactJson, placeIssues } from './exact-json';

describe('reading a quarantined body for the pretty view', () => {
  it('keeps a 64-bit TimeStamp and decimals exactly as sent', () => {
    const node = parseExactJson('{"TimeStamp": 636295833829493672, "Inserted":[{"Qty":1.50}]}');
    expect(node).toEqual({
      type: 'object',
      entries: [
        { key: 'TimeStamp', value: { type: 'scalar', text: '636295833829493672' } },
        { key: 'Inserted', value: { type: 'array', items: [{ type: 'object', entries: [{ key: 'Qty', value: { type: 'scalar', text: '1.50' } }] }] } },
      ],
    });
  });

  it('says where a body stops being JSON', () => {
    expect(() => parseExactJson('{"Inserted": [1, 2')).toThrow(JsonSyntaxError);
    expect(() => parseExactJson('{"a":1} trailing')).toThrow(/after the end/);
  });

  it('names nodes the way the gateway names them in its reasons', () => {
    expect(childPath(childPath(childPath('', 'Inserted'), 3), 'OrderNbr')).toBe('Inserted[3].OrderNbr');
  });

  it('puts a reason on the field it names, or on the row when the field is missing', () => {
    const root = parseExactJson('{"Inserted":[{"Item":"A"},{"OrderQty":"x"}],"TimeStamp":1}');
    const placed = placeIssues(root, [
      { path: 'Inserted[0].InventoryID', message: 'key column missing' },
      { path: 'Inserted[1].OrderQty', message: 'not a number' },
      { path: 'Id', message: 'required' },
    ]);
    expect(Object.fromEntries(placed)).toEqual({
      'Inserted[0]': ['Inserted[0].InventoryID: key column missing'],
      'Inserted[1].OrderQty': ['Inserted[1].OrderQty: not a number'],
      '': ['Id: required'],
    });
  });
});
