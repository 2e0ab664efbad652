import { TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { bigintId, inputProblem, MAX_INPUT_DEPTH } from './inputs.js';
import { encodeCursor, keyPart, readCursor } from './pagination.js';
import { fieldName } from './trpc.js';

describe('input bounds', () => {
  it('finds U+0000 in a value or a field name, and nesting past the bound, with the path', () => {
    expect(inputProblem({ filter: { reason: 'a\u0000b' } })).toEqual({ path: ['filter', 'reason'], message: expect.stringMatching(/U\+0000/) });
    expect(inputProblem({ list: ['ok', 'x\u0000'] })).toMatchObject({ path: ['list', 1] });
    expect(inputProblem({ 'a\u0000': 1 })).toMatchObject({ path: ['a\u0000'] });
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(inputProblem(deep)).toMatchObject({ path: Array(MAX_INPUT_DEPTH).fill(0), message: `nested deeper than ${MAX_INPUT_DEPTH} levels` });
    expect(inputProblem({ a: { b: { c: ['\ud800 lone surrogates reach PostgreSQL as U+FFFD', 1e300] } } })).toBeUndefined();
  });

  it('takes ids within int8 only', () => {
    const id = bigintId();
    expect(id.safeParse('9223372036854775807').success).toBe(true);
    expect(id.safeParse('9223372036854775808').success).toBe(false);
    expect(id.safeParse('99999999999999999999').success).toBe(false);
    expect(id.safeParse('-1').success).toBe(false);
  });

  it('names fields superjson would refuse as keys under (input)', () => {
    expect(fieldName([])).toBe('(input)');
    expect(fieldName(['filter', 'reason'])).toBe('filter.reason');
    expect(fieldName(['__proto__'])).toBe('(input).__proto__');
    expect(fieldName(['constructor'])).toBe('(input).constructor');
  });
});

describe('cursor keys', () => {
  const lineKey = z.tuple([keyPart.text, keyPart.int4]);
  it('reads back a cursor a list gave, and refuses one holding what the columns cannot, naming the cursor', () => {
    expect(readCursor(encodeCursor(['SH1', 7]), lineKey, 'pickList')).toEqual(['SH1', 7]);
    expect(readCursor(undefined, lineKey, 'pickList')).toBeUndefined();
    for (const forged of [encodeCursor(['SH1', 1e300]), encodeCursor(['SH1', 2 ** 31]), encodeCursor(['SH1', 1.5]), encodeCursor(['S\u0000', 1]), encodeCursor(['SH1']), '%%%', encodeCursor([1, 'SH1'])]) {
      const error = (() => {
        try {
          readCursor(forged, lineKey, 'pickList');
        } catch (caught) {
          return caught;
        }
        return undefined;
      })();
      expect(error, forged).toBeInstanceOf(TRPCError);
      expect(error).toMatchObject({ code: 'BAD_REQUEST', message: 'not a cursor pickList returned' });
      expect(((error as TRPCError).cause as z.ZodError).issues[0]?.path).toEqual(['cursor']);
    }
  });
});
