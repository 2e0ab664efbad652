/**
 * npm run worker-apply -w @wmsi/bench [-- COUNT]: the worker-apply measurement alone (see
 * worker-apply.ts), printed as a table and written to tools/bench/results/worker-apply.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { measureWorkerApply } from './worker-apply.js';

const measuredRun = await measureWorkerApply({ count: Number(process.argv[2] ?? 300) });
const round = (n: number) => Math.round(n);
console.log(`\n${measuredRun.lines}-line purchase orders, ${measuredRun.count} notifications per run after ${measuredRun.warmUp} warm-up; ${cpus().length} CPUs, PostgreSQL ${measuredRun.postgres}\n`);
console.log('| mix | per job | appliers | notifications/s | rows/s | PG upsert rows/s | ratio |');
console.log('|---|---:|---:|---:|---:|---:|---:|');
for (const r of measuredRun.results) {
  console.log(`| ${r.mix} | ${r.perJob} | ${r.concurrency} | ${round(r.notificationsPerSecond)} | ${round(r.rowsPerSecond)} | ${round(r.yardstickRowsPerSecond)} | ${r.ratio.toFixed(2)} |`);
}
const folder = new URL('../results/', import.meta.url);
await mkdir(folder, { recursive: true });
await writeFile(
  new URL('worker-apply.json', folder),
  JSON.stringify({ measuredAt: new Date().toISOString(), cpus: cpus().length, node: process.version, ...measuredRun }, null, 2) + '\n',
);
