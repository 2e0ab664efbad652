import { getHeapStatistics, getHeapSpaceStatistics } from 'node:v8';
import { readFileSync } from 'node:fs';
import { threadId, isMainThread, parentPort } from 'node:worker_threads';
const MB = (n: number) => Math.round(n / 1048576 * 10) / 10;
export function dumpMem(tag = '') {
  const m = process.memoryUsage();
  const h = getHeapStatistics();
  const spaces = Object.fromEntries(getHeapSpaceStatistics().map((s) => [s.space_name, [MB(s.space_size), MB(s.space_used_size)]]));
  const rss = /VmRSS:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))![1];
  console.error(JSON.stringify({ tag, threadId, rss: Number(rss) >> 10, heapTotal: MB(m.heapTotal), heapUsed: MB(m.heapUsed), external: MB(m.external), ab: MB(m.arrayBuffers), physical: MB(h.total_physical_size), malloced: MB(h.malloced_memory), peakMalloced: MB(h.peak_malloced_memory), spaces }));
}
if (process.env.MEM_DIAG) {
  if (isMainThread) process.on('SIGUSR2', () => dumpMem('main'));
  setInterval(() => { if (process.env.MEM_DIAG === 'tick') dumpMem(isMainThread ? 'main' : 'worker'); }, 5000).unref();
}
