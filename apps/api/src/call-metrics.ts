import { appRouter } from '@wmsi/app-router';

const PROCEDURES = new Set(Object.keys(appRouter._def.procedures));

/**
 * The procedures a /trpc URL names, as metric labels: a path the router does not have is
 * "unknown", so what a client writes in a URL cannot grow the number of series.
 */
export function procedureLabels(url: string): string[] {
  const path = url.slice('/trpc/'.length).split('?')[0] ?? '';
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return ['unknown'];
  }
  return decoded.split(',').map(procedureLabel);
}

export function procedureLabel(path: string | undefined): string {
  return path !== undefined && PROCEDURES.has(path) ? path : 'unknown';
}
