import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// Sibling packages resolve to their TypeScript source through the "@wmsi/source" export condition,
// so tests never need a build first.
const conditions = ['@wmsi/source', ...defaultServerConditions];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['@wmsi/source'] } },
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Tests share one PostgreSQL and one Redis; each file gets its own database and key prefix.
    fileParallelism: true,
    reporters: ['default'],
  },
});
