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
    expect(read).toThrow(/GATEWAY_PORT="eighty"/);
    expect(read).toThrow(/REDIS_URL="http:\/\/nope"/);
    expect(read).not.toThrow(/PAIRING_WINDOW_MS/);
  });

  it('treats an empty variable as unset', () => {
    expect(loadEnv({ GATEWAY_PORT: '' }).GATEWAY_PORT).toBe(3000);
  });
});
