import { describe, expect, it } from 'vitest';
import { childPath, JsonSyntaxError, parseExactJson } from './exact-json';

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
});
