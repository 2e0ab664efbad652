#!/usr/bin/env node
// node tools/bootstrap/bundle.mjs [app folder...]: bundles the given apps (default: the current
// folder) into their bundle/main.js; an app's `bundle` script runs this for `nx run <app>:bundle`.
import { resolve } from 'node:path';
import { bundleApp } from './src/bundle.mjs';

const folders = process.argv.length > 2 ? process.argv.slice(2) : [process.cwd()];
for (const folder of folders) await bundleApp(resolve(folder));
