/**
 * Random inputs for the client API's fuzz suite: the wrong types, numbers past every column's
 * range, huge and odd strings, deep nesting and made-up cursors, put in the places each procedure
 * reads (its input's field names, read from its zod schema) as well as anywhere else.
 */
import type { AnyRouter } from '@trpc/server';
import fc from 'fast-check';
import { z } from 'zod';

export interface ProcedureEntry {
  path: string;
  type: 'query' | 'mutation' | 'subscription';
  /** The input's field names, nested objects as their own shapes: `{ filter: { topic: {} } }`. */
  shape: Shape;
}
export type Shape = { [field: string]: Shape };

/** Every procedure of a router, from `_def.procedures`: a new one is fuzzed without a change here. */
export function proceduresOf(router: AnyRouter): ProcedureEntry[] {
  return Object.entries(router._def.procedures as Record<string, { _def: { type: ProcedureEntry['type']; inputs: unknown[] } }>).map(
    ([path, procedure]) => ({ path, type: procedure._def.type, shape: shapeOf(procedure._def.inputs[0]) }),
  );
}

/** The field names an input schema reads, through defaults, optionals and unions. */
function shapeOf(schema: unknown, depth = 0): Shape {
  if (!(schema instanceof z.ZodType) || depth > 5) return {};
  if (schema instanceof z.ZodDefault || schema instanceof z.ZodOptional || schema instanceof z.ZodNullable) return shapeOf(schema.unwrap(), depth + 1);
  if (schema instanceof z.ZodPipe) return shapeOf(schema.in, depth + 1);
  if (schema instanceof z.ZodUnion) return Object.assign({}, ...schema.options.map((option) => shapeOf(option, depth + 1)));
  if (schema instanceof z.ZodObject) {
    return Object.fromEntries(Object.entries(schema.shape as Record<string, unknown>).map(([field, inner]) => [field, shapeOf(inner, depth + 1)]));
  }
  return {};
}

/** Deep nesting as JSON text: `[[[...1...]]]` or `{"a":{"a":...}}`, put in place after stringify. */
export class Nested {
  constructor(
    readonly depth: number,
    readonly kind: 'array' | 'object',
  ) {}

  text(): string {
    const [open, close] = this.kind === 'array' ? ['[', ']'] : ['{"a":', '}'];
    return `${open.repeat(this.depth)}1${close.repeat(this.depth)}`;
  }

  toJSON(): string {
    return `@@nested:${this.kind}:${this.depth}@@`;
  }
}

/** JSON text of a value, its Nested parts spelled out. */
export function toJsonText(value: unknown): string {
  return JSON.stringify(value).replace(/"@@nested:(array|object):(\d+)@@"/g, (_, kind: 'array' | 'object', depth: string) => new Nested(Number(depth), kind).text());
}

/** Numbers past int4, int8 and numeric ranges, as numbers and as the strings ids and cursors carry. */
const hugeNumber = fc.oneof(
  fc.constantFrom(1e300, -1e300, 2 ** 31, 2 ** 53, 2 ** 63, 2 ** 64, -(2 ** 63), Number.MAX_VALUE, Number.MIN_VALUE, 5e-324, -0, 0.1, 1.5, -1),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
);
const numericString = fc.oneof(
  fc.constantFrom(
    '99999999999999999999',
    '9223372036854775807',
    '9223372036854775808',
    '-9223372036854775809',
    '2147483648',
    '18446744073709551616',
    '1e300',
    '-1',
    '0',
    '00000000000000000001',
    'NaN',
    'Infinity',
    '-Infinity',
    '0x10',
    '1.5',
    ' 1',
  ),
  fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }).map(String),
  fc.stringMatching(/^\d{1,40}$/),
);

/** Strings of any UTF-16 units (NUL and lone surrogates too), graphemes, and a few that are long. */
const oddString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: fc.constantFrom('\u0000', '\ud800', '\udfff', '😀', '\u2028', '\ufeff', '%', '_', "'", '"', '\\', ' ', 'a', '1'), maxLength: 40 }),
  fc.constantFrom('', ' ', '\u0000', '\ud800', 'MAIN', 'EAST', 'PO000001', 'Normal', 'SO', 'ak_0123456789', 'wt_0123456789', '00000000-0000-0000-0000-000000000000'),
);
const hugeString = fc.constantFrom(2_000, 20_000, 20_000, 200_000).chain((length) => fc.constantFrom('x', '9', '\u0000', '😀').map((unit) => unit.repeat(length)));

const nested = fc.record({ depth: fc.oneof(fc.integer({ min: 1, max: 200 }), fc.constantFrom(1_000, 10_000, 20_000)), kind: fc.constantFrom('array' as const, 'object' as const) }).map(({ depth, kind }) => new Nested(depth, kind));

/** Cursors as lists hand them out (base64url JSON arrays), holding what a list never would. */
const cursorPart = fc.oneof(hugeNumber, numericString, oddString, fc.constant(null), fc.boolean(), fc.constant({}), fc.constant([]));
const cursorKey = fc.array(cursorPart, { maxLength: 4 }).map((key) => Buffer.from(JSON.stringify(key)).toString('base64url'));
export const cursor = fc.oneof(
  cursorKey,
  // sync.pull's snapshot cursors ('s.' + a key) and change-log positions (xid-seq).
  cursorKey.map((key) => `s.${key}`),
  fc
    .tuple(fc.constantFrom('0-0', '1-1', '18446744073709551615-1'), fc.integer({ min: -1, max: 7 }), fc.oneof(fc.constant(null), fc.array(cursorPart, { maxLength: 4 })))
    .map((snapshot) => `s.${Buffer.from(JSON.stringify(snapshot)).toString('base64url')}`),
  fc.tuple(numericString, numericString).map(([xid, seq]) => `${xid}-${seq}`),
  fc.jsonValue({ maxDepth: 2 }).map((value) => Buffer.from(JSON.stringify(value) ?? 'null').toString('base64url')),
  fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/.'), maxLength: 60 }),
  numericString,
);

/** Any value a field could be sent. */
export const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  // Huge strings and deep nesting are rare per field, so most calls stay quick to send and read.
  { weight: 12, arbitrary: hugeNumber },
  { weight: 12, arbitrary: numericString },
  { weight: 12, arbitrary: oddString },
  { weight: 9, arbitrary: cursor },
  { weight: 1, arbitrary: hugeString },
  { weight: 1, arbitrary: nested },
  { weight: 6, arbitrary: fc.constantFrom(null, true, false, [], {}, ['stock-items'], { a: 1 }, [1e300]) },
  { weight: 6, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

/** An object with some of the procedure's own fields (nested ones too) and sometimes others. */
function inputFor(shape: Shape, depth = 0): fc.Arbitrary<unknown> {
  const fields = Object.entries(shape);
  const own = fc.record(
    Object.fromEntries(fields.map(([field, inner]) => [field, Object.keys(inner).length > 0 && depth < 3 ? fc.oneof(inputFor(inner, depth + 1), anyValue) : anyValue])),
    { requiredKeys: [] },
  );
  const stranger = fc.dictionary(fc.oneof(oddString, fc.constantFrom('__proto__', 'constructor', 'prototype', 'json', 'meta')), anyValue, { maxKeys: 3 });
  return fc.oneof(
    { weight: 6, arbitrary: own },
    { weight: 2, arbitrary: fc.tuple(own, stranger).map(([a, b]) => ({ ...b, ...(a as object) })) },
    { weight: 1, arbitrary: anyValue },
  );
}

/** How the input travels: tRPC's superjson envelope, with made-up `meta`, or raw text that is none. */
export type Envelope = { kind: 'superjson'; json: unknown; meta?: unknown } | { kind: 'raw'; text: string } | { kind: 'none' };

const meta = fc.oneof(
  fc.constant(undefined),
  fc.record({ values: fc.dictionary(fc.oneof(oddString, fc.constantFrom('cursor', 'limit', 'id', '__proto__', 'constructor.prototype')), fc.oneof(fc.constantFrom(['bigint'], ['Date'], ['undefined'], ['regexp'], ['set'], ['map'], ['Infinity'], ['custom', 'x'], ['class', 'x'], ['symbol', 'x']), fc.jsonValue({ maxDepth: 2 }))) }),
  fc.jsonValue({ maxDepth: 2 }),
);

export function envelopeFor(shape: Shape): fc.Arbitrary<Envelope> {
  return fc.oneof(
    { weight: 12, arbitrary: inputFor(shape).map((json): Envelope => ({ kind: 'superjson', json })) },
    { weight: 2, arbitrary: fc.tuple(inputFor(shape), meta).map(([json, m]): Envelope => ({ kind: 'superjson', json, meta: m })) },
    { weight: 1, arbitrary: fc.oneof(oddString, fc.constantFrom('{', '{"json":', '[]', 'null', '{"json":{"a":1}', '1e300', '{"json":1e999}')).map((text): Envelope => ({ kind: 'raw', text })) },
    { weight: 1, arbitrary: fc.constant<Envelope>({ kind: 'none' }) },
  );
}

/** The request text of an envelope (undefined: no input at all). */
export function envelopeText(envelope: Envelope): string | undefined {
  if (envelope.kind === 'none') return undefined;
  if (envelope.kind === 'raw') return envelope.text;
  return toJsonText(envelope.meta === undefined ? { json: envelope.json } : { json: envelope.json, meta: envelope.meta });
}
