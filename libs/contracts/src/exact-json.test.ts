import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, readJsonExactly, readJsonWithLosslessJson } from './exact-json.js';

/** Small seeded generator: a failing case can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NUMBERS = [
  '0', '-0', '7', '-12', '12.5', '-0.001', '1e3', '1E-7', '2.5e+20', '1e400',
  '9007199254740991', '9007199254740992', '-9007199254740993', '638465233453014192', '636295833829493672',
  '9223372036854775807', '123456789012345678901234567890', '1234567890123456.5', '12345678901234567e2',
];
const STRINGS = ['', 'MAIN ', 'a"b', 'back\\slash\\', '\\', '638465233453014192', '[{,:}]', 'ünïcødé — 東京', 'line\nbreak'];

function jsonText(next: () => number, depth: number): string {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)];
  const roll = next();
  if (depth > 0 && roll < 0.2) {
    const items = Array.from({ length: Math.floor(next() * 4) }, () => jsonText(next, depth - 1));
    return `[${items.join(pick([',', ' , ', ',\n  ']))}]`;
  }
  if (depth > 0 && roll < 0.4) {
    const names = [...new Set(Array.from({ length: Math.floor(next() * 4) }, () => pick([...STRINGS, 'TimeStamp', '12345678901234567890'])))];
    return `{${names.map((name) => `${JSON.stringify(name)}:${pick(['', ' '])}${jsonText(next, depth - 1)}`).join(',')}}`;
  }
  if (roll < 0.7) return pick(NUMBERS);
  if (roll < 0.9) return JSON.stringify(pick(STRINGS));
  return pick(['true', 'false', 'null']);
}

function losslessReading(text: string): { ok: true; value: unknown } | { ok: false; duplicateKey: boolean } {
  try {
    return { ok: true, value: readJsonWithLosslessJson(text) };
  } catch (error) {
    return { ok: false, duplicateKey: String(error).includes('Duplicate key') };
  }
}

describe('reading JSON exactly', () => {
  it('keeps a 64-bit TimeStamp digit for digit, where JSON.parse rounds it', () => {
    const text = '{"TimeStamp":638465233453014192,"Next":638465233453014193}';
    expect(JSON.parse(text).TimeStamp).toBe(638465233453014100);
    expect(readJsonExactly(text)).toEqual({
      ok: true,
      value: { TimeStamp: '638465233453014192', Next: '638465233453014193' },
    });
  });

  it('reads safe integers and short decimals as numbers, long decimals as their text', () => {
    expect(readJsonExactly('[0, -12, 12.5, 1e3, 9007199254740991, -9007199254740992, 1234567890123456.5, 0.000123456789012345]')).toEqual({
      ok: true,
      value: [0, -12, 12.5, 1000, 9007199254740991, '-9007199254740992', '1234567890123456.5', 0.000123456789012345],
    });
  });

  it('keeps a decimal a double would round as its text, inside rows and at the top level', () => {
    expect(readJsonExactly('{"Inserted":[{"OrderQty":12345678901.123456,"Weight":0.1234567890123456789e2}],"X":1.2345678901234567}')).toEqual({
      ok: true,
      value: { Inserted: [{ OrderQty: '12345678901.123456', Weight: '0.1234567890123456789e2' }], X: '1.2345678901234567' },
    });
    expect(readJsonExactly('[1.e5]').ok).toBe(false);
    expect(readJsonExactly('[01.12345678901234567]').ok).toBe(false);
  });

  it('keeps the exact digits of a top-level member whatever its name looks like', () => {
    expect(readJsonExactly('{"Time\\u0053tamp" : 638465233453014192, "a\\"b":-9223372036854775807}')).toEqual({
      ok: true,
      value: { TimeStamp: '638465233453014192', 'a"b': '-9223372036854775807' },
    });
    const reading = readJsonExactly('{"__proto__":638465233453014192}');
    expect(reading.ok && Object.getOwnPropertyDescriptor(reading.value, '__proto__')?.value).toBe('638465233453014192');
    expect(reading.ok && Object.getPrototypeOf(reading.value)).toBe(Object.prototype);
  });

  it('keeps the last of a top-level name given twice, as JSON.parse does', () => {
    expect(readJsonExactly('{"T":638465233453014192,"T":5}')).toEqual({ ok: true, value: { T: 5 } });
    expect(readJsonExactly('{"T":5,"T":638465233453014193}')).toEqual({ ok: true, value: { T: '638465233453014193' } });
    expect(readJsonExactly('{"T":638465233453014192,"T":638465233453014193}')).toEqual({
      ok: true,
      value: { T: '638465233453014193' },
    });
  });

  it('never touches digits inside strings or names', () => {
    const text = '{"12345678901234567890":"638465233453014192 \\"99999999999999999\\" \\\\","a\\\\":99999999999999999}';
    expect(readJsonExactly(text)).toEqual({
      ok: true,
      value: { '12345678901234567890': '638465233453014192 "99999999999999999" \\', 'a\\': '99999999999999999' },
    });
  });

  it('never makes invalid JSON valid by quoting a large integer', () => {
    for (const text of [
      '{12345678901234567890:1}',
      '{"a":1,12345678901234567890:2}',
      '{"a":1, -12345678901234567890 :2}',
      '[01234567890123456789]',
      '[-01234567890123456789]',
      '[1 12345678901234567890]',
      '{"a":12345678901234567890"b"}',
      '["x" 12345678901234567890]',
    ]) {
      expect(readJsonExactly(text).ok, text).toBe(false);
    }
  });

  it('gives the same reading as lossless-json on generated documents', () => {
    const next = random(20240505);
    for (let n = 0; n < 3000; n++) {
      const text = jsonText(next, 5);
      const reference = losslessReading(text);
      if (!reference.ok) continue;
      expect(readJsonExactly(text), text).toEqual({ ok: true, value: reference.value });
    }
  });

  it('refuses exactly what lossless-json refuses, on damaged documents', () => {
    const next = random(7);
    const damage = ['"', '{', '}', '[', ']', ',', ':', '0', '9', '-', '.', 'e', ' ', '\\', 'x'];
    let refused = 0;
    for (let n = 0; n < 5000; n++) {
      const text = jsonText(next, 4);
      const at = Math.floor(next() * (text.length + 1));
      const cut = next() < 0.5 ? 1 : 0;
      const damaged = text.slice(0, at) + (next() < 0.7 ? damage[Math.floor(next() * damage.length)] : '') + text.slice(at + cut);
      const reference = losslessReading(damaged);
      if (!reference.ok && reference.duplicateKey) continue; // JSON.parse keeps the last duplicate, by design
      const reading = readJsonExactly(damaged);
      if (reference.ok) {
        expect(reading, damaged).toEqual({ ok: true, value: reference.value });
      } else {
        refused++;
        expect(reading.ok, damaged).toBe(false);
      }
    }
    expect(refused).toBeGreaterThan(1000);
  });

  it('explains a broken body with its position as sent', () => {
    const reading = readJsonExactly('{"TimeStamp":638465233453014192,"Inserted":[{"InventoryID":"AA"},');
    expect(reading).toEqual({ ok: false, message: expect.stringMatching(/position 65/) });
  });

  it('explains a broken body of several MiB too', () => {
    const text = `{"TimeStamp":638465233453014192,"Inserted":[${'{"InventoryID":"AA"},'.repeat(200_000)}`;
    expect(readJsonExactly(text)).toEqual({ ok: false, message: expect.stringMatching(/JSON/) });
  });

  it('refuses an empty body, and reads one that starts with a byte order mark', () => {
    expect(readJsonExactly('')).toEqual({ ok: false, message: 'the body is empty' });
    expect(readJsonExactly(' \n ')).toEqual({ ok: false, message: 'the body is empty' });
    expect(readJsonExactly('\uFEFF{"TimeStamp":636295833829493672}')).toEqual({
      ok: true,
      value: { TimeStamp: '636295833829493672' },
    });
  });

  it('refuses deep nesting without touching the stack, at any size', () => {
    expect(readJsonExactly('['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH)).ok).toBe(true);
    for (const depth of [MAX_JSON_DEPTH + 1, 2_000, 5_000_000]) {
      const reading = readJsonExactly(`{"a":${'['.repeat(depth)}${']'.repeat(depth)}}`);
      expect(reading).toEqual({ ok: false, message: `nested deeper than ${MAX_JSON_DEPTH} levels at position ${MAX_JSON_DEPTH + 4}` });
    }
  });

  it('reads a 16 MiB body of one huge array', () => {
    const text = `{"Inserted":[${'0,'.repeat(8 * 1024 * 1024 - 10)}0]}`;
    const reading = readJsonExactly(text);
    expect(reading.ok && (reading.value as { Inserted: unknown[] }).Inserted.length).toBe(8 * 1024 * 1024 - 9);
  });
});
