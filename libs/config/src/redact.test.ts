import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loggerOptions, redactCredentials, redactDeep } from './redact.js';

describe('redacting credentials from URLs', () => {
  it('hides the password of every URL in a text, keeping the user, host and the rest', () => {
    expect(redactCredentials('Redis at redis://:password@127.0.0.1:1 is down')).toBe('Redis at redis://:***@127.0.0.1:1 is down');
    expect(redactCredentials('postgres://wms:s3cr3t@db:5432/wmsi and rediss://default:p%40ss@cache:6380/0')).toBe(
      'postgres://wms:***@db:5432/wmsi and rediss://default:***@cache:6380/0',
    );
    // A lone user part may be the password (redis://secret@host is read that way by some clients).
    expect(redactCredentials('redis://secret@host:6379')).toBe('redis://***@host:6379');
    expect(redactCredentials('redis://127.0.0.1:6379 and http://example.com/a@b')).toBe('redis://127.0.0.1:6379 and http://example.com/a@b');
  });

  it('redacts every string of a log record, errors and their causes included', () => {
    const cause = new Error('connect to redis://:pw1@h:1 failed');
    const error = Object.assign(new Error('postgres://u:pw2@h/db refused', { cause }), { url: 'redis://:pw3@h' });
    const record = redactDeep({ msg: 'at redis://:pw4@h', err: error, nested: [{ url: 'postgres://a:pw5@h' }] });
    const text = JSON.stringify(record);
    for (const secret of ['pw1', 'pw2', 'pw3', 'pw4', 'pw5']) expect(text).not.toContain(secret);
    expect(text).toContain('redis://:***@h');
  });

  it("gives pino a hook that redacts a call's arguments", () => {
    const written: unknown[][] = [];
    loggerOptions('info').hooks.logMethod.call(undefined, [{ err: new Error('redis://:pw@h') }, 'at postgres://u:pw@h'], { apply: (_this: unknown, args: unknown[]) => written.push(args) });
    expect(JSON.stringify(written)).not.toContain('pw@');
  });

  it('keeps an error\'s type, message and stack in a real pino record, redacted', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _encoding, done) => (lines.push(chunk.toString()), done()) });
    const logger = pino(loggerOptions('info'), sink);
    logger.error({ err: Object.assign(new Error('connect ECONNREFUSED redis://:pw@127.0.0.1:1'), { code: 'ECONNREFUSED' }) }, 'Redis connection error');
    const record = JSON.parse(lines[0] ?? '{}') as { err: { type: string; message: string; stack: string; code: string } };
    expect(record.err).toMatchObject({ type: 'Error', message: 'connect ECONNREFUSED redis://:***@127.0.0.1:1', code: 'ECONNREFUSED' });
    expect(record.err.stack).toContain('redact.test.ts');
    expect(lines.join('')).not.toContain('pw@');
  });
});

