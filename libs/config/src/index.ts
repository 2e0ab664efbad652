export { ConfigError, envSchema, loadEnv, type Env } from './env.js';
