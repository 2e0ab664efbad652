import { describe, expect, it } from 'vitest';
import { newOperationId, withOperationId } from './operation-id';

describe('client operation ids', () => {
  it('are fresh UUIDs within the API\'s 1-100 characters', () => {
    const [a, b] = [newOperationId(), newOperationId()];
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a).not.toBe(b);
  });

  it('travel with the action\'s input, which is otherwise unchanged', () => {
    expect(withOperationId({ shipmentNbr: 'SH1', lineNbr: 2, qty: 1 }, 'op-1')).toEqual({ shipmentNbr: 'SH1', lineNbr: 2, qty: 1, operationId: 'op-1' });
  });
});
