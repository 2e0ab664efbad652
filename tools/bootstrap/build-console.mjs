#!/usr/bin/env node
// node tools/bootstrap/build-console.mjs [--force]: builds apps/console into apps/console/dist when
// it changed since its last build (what `npm start`, the Docker image and the browser tests run).
import { fileURLToPath } from 'node:url';
import { buildConsole } from './src/console.mjs';

const consoleDir = fileURLToPath(new URL('../../apps/console', import.meta.url));
await buildConsole(consoleDir, { log: (line) => console.log(`wmsi: ${line}`), force: process.argv.includes('--force') });
