import react from '@vitejs/plugin-react';
import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.js';

// Component tests: screens rendered in happy-dom, with the server answers they would get.
export default mergeConfig(
  shared,
  defineConfig({
    plugins: [react()],
    test: { name: '@wmsi/console', environment: 'happy-dom', include: ['src/**/*.test.ts', 'src/**/*.test.tsx'] },
  }),
);
