import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadColumnMapping, parseColumnMapping } from './column-mapping.js';
import { ContractError } from './errors.js';

const folder = mkdtempSync(join(tmpdir(), 'wmsi-column-mapping-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function mappingFile(name: string, content: string): string {
  const path = join(folder, name);
  writeFileSync(path, content);
  return path;
}

function failure(read: () => unknown): ContractError {
  try {
    read();
  } catch (error) {
    if (error instanceof ContractError) return error;
    throw error;
  }
  throw new Error('expected a ContractError');
}

describe('column mapping file', () => {
  it('means the default captions only when no file is configured', () => {
    expect(loadColumnMapping()).toEqual({});
  });

  it('reads captions per topic and field, one or several, trimmed', () => {
    const path = mappingFile(
      'good.json',
      JSON.stringify({
        'stock-items': { inventoryId: ['InventoryCD', ' Item '], itemStatus: 'Status' },
        'purchase-orders': { orderNbr: 'PONbr' },
      }),
    );
    expect(loadColumnMapping(path)).toEqual({
      'stock-items': { inventoryId: ['InventoryCD', 'Item'], itemStatus: 'Status' },
      'purchase-orders': { orderNbr: 'PONbr' },
    });
  });

  it('names the file and the unknown field, listing the fields it could have meant', () => {
    const path = mappingFile('typo.json', JSON.stringify({ 'purchase-orders': { orderNbrr: 'PONbr' } }));
    const error = failure(() => loadColumnMapping(path));
    expect(error.code).toBe('COLUMN_MAPPING_INVALID');
    expect(error.message).toContain(path);
    expect(error.message).toContain('"purchase-orders"."orderNbrr" is not a field of purchase-orders');
    expect(error.message).toContain('orderNbr, status');
  });

  it('names an unknown topic, an empty caption and a caption given to two fields', () => {
    const error = failure(() =>
      parseColumnMapping({
        'purchase-order': {},
        'stock-items': { description: '  ', itemClass: 'Class', type: ['Class'] },
      }),
    );
    expect(error.message).toContain('"purchase-order" is not a topic');
    expect(error.message).toContain('"stock-items"."description": a caption cannot be empty');
    expect(error.message).toContain('caption "Class" is already mapped to itemClass');
  });

  it('says so when the file is missing or not JSON', () => {
    const missing = failure(() => loadColumnMapping(join(folder, 'nope.json')));
    expect(missing.code).toBe('COLUMN_MAPPING_UNREADABLE');
    expect(missing.message).toContain('nope.json');
    const broken = failure(() => loadColumnMapping(mappingFile('broken.json', '{"stock-items": {')));
    expect(broken.code).toBe('COLUMN_MAPPING_INVALID');
    expect(broken.message).toMatch(/broken\.json is not valid JSON/);
  });
});
