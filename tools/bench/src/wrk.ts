import { execFile } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** What the bench reports when its load generator is missing. */
export const WRK_MISSING = 'wrk is not installed (apt-get install wrk)';

export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  socketErrors: number;
}

/**
 * Drives a POST endpoint with wrk (Debian package `wrk`). Every request carries a distinct
 * notification: `__N__` in the body template becomes a counter unique to the run.
 */
export async function postWithWrk(options: { url: string; headers: Record<string, string>; bodyTemplate: string; connections: number; seconds: number; threads?: number }): Promise<LoadResult> {
  const script = join(tmpdir(), `wmsi-wrk-${process.pid}-${Date.now()}.lua`);
  const headerLines = Object.entries(options.headers)
    .map(([name, value]) => `wrk.headers[${JSON.stringify(name)}] = ${JSON.stringify(value)}`)
    .join('\n');
  await writeFile(
    script,
    `wrk.method = "POST"
${headerLines}
local template = [==[${options.bodyTemplate}]==]
local counter = 0
local run = tostring(os.time()) .. tostring(math.random(1000000))
init = function(args) math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16)); run = run .. tostring(math.random(1000000)) end
request = function()
  counter = counter + 1
  local body = (template:gsub("__N__", run .. "-" .. counter))
  return wrk.format(nil, nil, nil, body)
end
`,
  );
  try {
    // wrk stops by itself after its duration; the timeout only guards against a wrk that hangs.
    const { stdout } = await run('wrk', ['-t', String(options.threads ?? 1), '-c', String(options.connections), '-d', `${options.seconds}s`, '--latency', '-s', script, options.url], {
      maxBuffer: 1 << 20,
      timeout: (options.seconds + 30) * 1000,
      killSignal: 'SIGKILL',
    });
    const result = parseWrk(stdout);
    if (!Number.isFinite(result.requestsPerSecond) || !Number.isFinite(result.p99Ms)) throw new Error(`wrk printed no figures: ${stdout.slice(-500)}`);
    return result;
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') throw new Error(WRK_MISSING);
    throw error;
  } finally {
    await rm(script, { force: true });
  }
}

export function parseWrk(output: string): LoadResult {
  const number = (pattern: RegExp) => Number(pattern.exec(output)?.[1] ?? NaN);
  const latency = (percent: string) => {
    const match = new RegExp(`^\\s+${percent}%\\s+([\\d.]+)(us|ms|s)\\s*$`, 'm').exec(output);
    if (!match) return NaN;
    const factor = { us: 0.001, ms: 1, s: 1000 }[match[2] as 'us' | 'ms' | 's'];
    return Number((Number(match[1]) * factor).toFixed(3));
  };
  const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  return {
    requestsPerSecond: number(/Requests\/sec:\s+([\d.]+)/),
    p50Ms: latency('50'),
    p99Ms: latency('99'),
    non2xx: number(/Non-2xx or 3xx responses: (\d+)/) || 0,
    socketErrors: errors ? errors.slice(1).reduce((sum, count) => sum + Number(count), 0) : 0,
  };
}

export async function wrkIsInstalled(): Promise<boolean> {
  return run('wrk', ['--version']).then(
    () => true,
    (error: { code?: unknown; stdout?: string }) => error.code !== 'ENOENT' && String(error.stdout ?? '').includes('wrk'),
  );
}
