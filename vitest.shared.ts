import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// Sibling packages resolve to their TypeScript source through the "@wmsi/source" export condition,
// so tests never need a build first.
const conditions = ['@wmsi/source', ...defaultServerConditions];

// `npm test` sums one JSON report per project (vitest runs in the project's folder) into one line.
const repoRoot = fileURLToPath(new URL('.', import.meta.url));
const projectReport = `${relative(repoRoot, process.cwd()).replaceAll(/[\\/]/g, '-') || 'root'}.json`;

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
    reporters: ['default', ['json', { outputFile: resolve(repoRoot, '.wmsi/test-results', projectReport) }]],
  },
});
