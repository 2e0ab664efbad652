import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.js';

// One stack (every app as a process) for the whole run: the browser tests share it, one at a time.
export default mergeConfig(
  shared,
  defineConfig({ test: { name: '@wmsi/console-e2e', fileParallelism: false, testTimeout: 120_000, hookTimeout: 240_000 } }),
);
