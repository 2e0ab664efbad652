import { existsSync, readdirSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';

/**
 * Bundles an app for running: its TypeScript and that of the workspace libs it imports (@wmsi/*)
 * become one ES module in bundle/, while packages from npm stay imports resolved from node_modules.
 *
 * Why not run the source through tsx as in development: tsx compiles in a loader thread of its own,
 * a second V8 heap in every process (about 60 MB each, measured on worker-items idle: 157 MB with
 * tsx, 97 MB bundled), and the gateway's dispatcher thread would need a third. The bundle keeps the
 * code readable (not minified) and carries a source map.
 *
 * Entries: src/main.ts, and every src/*-thread.ts (a worker thread's module, started by main.ts from
 * the file beside it: main.js starts dispatcher-thread.js).
 * @param {string} appDir  absolute path of the app's folder
 */
export async function bundleApp(appDir) {
  const src = join(appDir, 'src');
  const entryPoints = readdirSync(src)
    .filter((file) => file === 'main.ts' || file.endsWith('-thread.ts'))
    .map((file) => join(src, file));
  if (!existsSync(join(src, 'main.ts'))) throw new Error(`${appDir} has no src/main.ts to bundle`);
  const { outputFiles } = await build({
    entryPoints,
    outdir: join(appDir, 'bundle'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20.19',
    // The workspace libs export their TypeScript source under this condition (as tsx uses it).
    conditions: ['@wmsi/source'],
    sourcemap: true,
    logLevel: 'warning',
    plugins: [npmPackagesStayExternal],
    write: false,
  });
  // Test files and benchmarks bundle the apps they start, several at once, while other processes
  // may be starting the same app: each file is replaced whole (rename), never seen half-written.
  for (const file of outputFiles) {
    await mkdir(dirname(file.path), { recursive: true });
    const partial = `${file.path}.${process.pid}-${Math.random().toString(36).slice(2)}.partial`;
    await writeFile(partial, file.contents);
    await rename(partial, file.path);
  }
}

/**
 * Bare imports other than @wmsi/* (npm packages, node: builtins) are left to Node's resolution.
 * @type {import('esbuild').Plugin}
 */
const npmPackagesStayExternal = {
  name: 'npm-packages-stay-external',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@wmsi/') ? undefined : { path: args.path, external: true }));
  },
};
