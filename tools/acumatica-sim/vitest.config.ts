import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.js';

// Each test file runs a whole stack of processes: one at a time, so two stacks never share the
// machine's cores and a loaded CI box does not turn a fault test into a timing test.
export default mergeConfig(shared, defineConfig({ test: { name: '@wmsi/acumatica-sim', fileParallelism: false } }));
