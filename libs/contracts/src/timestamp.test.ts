import { describe, expect, it } from 'vitest';
import { compareTimeStamps, dateToTimeStamp, readTimeStamp, timeStampToDate } from './timestamp.js';

describe('TimeStamps', () => {
  it('orders two transactions a JS number cannot tell apart, both ways', () => {
    expect(Number('638465233453014192')).toBe(Number('638465233453014193'));
    expect(compareTimeStamps('638465233453014192', '638465233453014193')).toBe(-1);
    expect(compareTimeStamps('638465233453014193', '638465233453014192')).toBe(1);
    expect(compareTimeStamps('638465233453014193', '638465233453014193')).toBe(0);
  });

  it('compares by value, not by text length or digits', () => {
    expect(compareTimeStamps('9', '10')).toBe(-1);
    expect(compareTimeStamps('0010', '10')).toBe(0);
    expect(compareTimeStamps('9223372036854775807', '9223372036854775806')).toBe(1);
  });

  it('turns ticks into the moment of the transaction', () => {
    expect(timeStampToDate('621355968000000000').toISOString()).toBe('1970-01-01T00:00:00.000Z');
    expect(timeStampToDate('638465233453014192').toISOString()).toBe('2024-03-20T09:22:25.301Z');
    expect(dateToTimeStamp(new Date('2024-03-20T09:22:25.301Z'))).toBe('638465233453010000');
  });

  it('accepts only whole ticks between 0 and 2^63-1', () => {
    expect(readTimeStamp('638465233453014192')).toBe('638465233453014192');
    expect(readTimeStamp(636295833829)).toBe('636295833829');
    expect(readTimeStamp('0007')).toBe('7');
    expect(readTimeStamp('9223372036854775807')).toBe('9223372036854775807');
    for (const bad of ['9223372036854775808', '-1', -1, 1.5, '1.5', '6.38e17', '', ' 12', 'abc', null, true, undefined]) {
      expect(readTimeStamp(bad), String(bad)).toBeUndefined();
    }
  });
});
