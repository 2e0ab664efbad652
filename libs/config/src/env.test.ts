import { describe, expect, it } from 'vitest';
import { ConfigError, loadEnv } from './env.js';

describe('loadEnv', () => {
  it('fills in the documented defaults', () => {
    const env = loadEnv({});
    expect(env.GATEWAY_PORT).toBe(3000);
    expect(env.API_PORT).toBe(3001);
    expect(env.PAIRING_WINDOW_MS).toBe(10_000);
    expect(env.WEBHOOK_AUTH_HEADER).toBe('X-Api-Key');
    expect(env.WEBHOOK_BODY_LIMIT).toBe(16 * 1024 * 1024);
    expect(env.PUBLIC_URL).toMatch(/^http:\/\/.+:3000$/);
  });

  it('reads sizes written with units', () => {
    expect(loadEnv({ WEBHOOK_BODY_LIMIT: '512KiB' }).WEBHOOK_BODY_LIMIT).toBe(512 * 1024);
    expect(loadEnv({ WEBHOOK_BODY_LIMIT: '2048' }).WEBHOOK_BODY_LIMIT).toBe(2048);
  });

  it('names every bad variable in one clear error', () => {
    const read = () => loadEnv({ GATEWAY_PORT: 'eighty', REDIS_URL: 'http://nope', PAIRING_WINDOW_MS: '10' });
    expect(read).toThrow(ConfigError);
    expect(read).toThrow(/GATEWAY_PORT: /);
    expect(read).toThrow(/REDIS_URL: /);
    expect(read).not.toThrow(/PAIRING_WINDOW_MS/);
  });

  it('names the variable and what is wrong, never its value (a URL may carry a password)', () => {
    const error = (() => {
      try {
        loadEnv({ REDIS_URL: 'http://:hunter2secret@redis.example:6379', DATABASE_URL: 'mysql://admin:pa55word@db', API_RATE_LIMIT_PER_MINUTE: 'lots-of-hunter2secret' });
      } catch (caught) {
        return caught as Error;
      }
      throw new Error('expected a ConfigError');
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(/REDIS_URL: /);
    expect(error.message).toMatch(/DATABASE_URL: /);
    expect(error.message).toMatch(/API_RATE_LIMIT_PER_MINUTE: /);
    expect(error.message).not.toMatch(/hunter2|pa55word|redis\.example/);
  });

  it('bounds the body bytes in flight, never below one largest body', () => {
    expect(loadEnv({}).WEBHOOK_BYTES_IN_FLIGHT).toBe(64 * 1024 * 1024);
    expect(loadEnv({}).AUTH_FAILURES_PER_MINUTE).toBe(30);
    expect(() => loadEnv({ WEBHOOK_BODY_LIMIT: '16MiB', WEBHOOK_BYTES_IN_FLIGHT: '1MiB' })).toThrow(/WEBHOOK_BYTES_IN_FLIGHT: must be at least WEBHOOK_BODY_LIMIT/);
  });

  it('treats an empty variable as unset', () => {
    expect(loadEnv({ GATEWAY_PORT: '' }).GATEWAY_PORT).toBe(3000);
  });
});
