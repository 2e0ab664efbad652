export { ConfigError, DEFAULT_QUEUE_PARTITIONS, envSchema, loadEnv, type Env } from './env.js';
export { loggerOptions, redactCredentials, redactDeep } from './redact.js';
