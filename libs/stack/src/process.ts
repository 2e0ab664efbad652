import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** How a started process shows that it is ready to work. */
export type Readiness =
  /** It answers 2xx on this URL (a health endpoint). */
  | { url: string }
  /** It printed this text (on stdout or stderr). */
  | { logLine: string };

export interface ProcessSpec {
  /** What the process is called in messages (and, for apps, in peak RSS figures). */
  name: string;
  /** Node's arguments: flags, then the script. The program is the Node running this. */
  args: readonly string[];
  cwd: string;
  /** The whole environment of the process. */
  env: Record<string, string | undefined>;
  ready: Readiness;
  /** How long it may take to become ready (default 60 s). */
  readyTimeoutMs?: number;
  /** How long a stop may take before the process is killed (default STOP_GRACE_MS). */
  stopGraceMs?: number;
}

export interface RunningProcess {
  readonly name: string;
  readonly pid: number;
  /** The last OUTPUT_KEPT characters it printed, stdout and stderr interleaved. */
  output(): string;
  isRunning(): boolean;
  /** Its exit code once it ended (null when a signal ended it). */
  readonly exited: Promise<number | null>;
  /**
   * Sends `signal` (default SIGTERM) and waits for the end; resolves with the exit code. A process
   * that does not stop within its grace period (30 s unless the spec says otherwise) is killed:
   * nothing a test or benchmark starts outlives it.
   */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** The highest peak resident set (Linux VmHWM) read so far, in MB; 0 where /proc is missing. */
  peakRssMb(): number;
}

/** Enough to read why a process failed, without holding everything a chatty one printed. */
export const OUTPUT_KEPT = 200_000;
/** What a stopping process gets before it is killed: the apps' own grace is 20 s. */
export const STOP_GRACE_MS = 30_000;

/**
 * Starts a Node process and waits until it is ready. If it exits or is not ready in time, it is
 * killed and this throws with what it printed.
 */
export async function startProcess(spec: ProcessSpec): Promise<RunningProcess> {
  const child = spawn(process.execPath, spec.args, { cwd: spec.cwd, env: spec.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = keepTail(OUTPUT_KEPT);
  child.stdout?.on('data', output.add);
  child.stderr?.on('data', output.add);
  let spawnError: Error | undefined;
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', (error) => {
      spawnError = error;
      resolve(null);
    });
  });
  const isRunning = () => child.exitCode === null && child.signalCode === null && spawnError === undefined;
  let peakMb = 0;
  const readPeak = () => (peakMb = Math.max(peakMb, child.pid === undefined || !isRunning() ? 0 : peakRssOf(child.pid)));

  const stop = async (signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> => {
    if (!isRunning()) return exited;
    // Read just before the end: a killed process's /proc entry is gone with it.
    readPeak();
    child.kill(signal);
    const hung = setTimeout(() => child.kill('SIGKILL'), spec.stopGraceMs ?? STOP_GRACE_MS);
    return exited.finally(() => clearTimeout(hung));
  };

  const fail = async (why: string): Promise<never> => {
    child.kill('SIGKILL');
    await exited;
    throw new Error(`${spec.name} did not start: ${why}\n${output.text().slice(-4_000)}`);
  };

  const deadline = Date.now() + (spec.readyTimeoutMs ?? 60_000);
  while (!(await isReady(spec.ready, output.text))) {
    if (!isRunning()) await fail(spawnError ? spawnError.message : `it exited (code ${child.exitCode}, signal ${child.signalCode})`);
    if (Date.now() > deadline) await fail(`not ready within ${spec.readyTimeoutMs ?? 60_000} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    name: spec.name,
    // Spawned and ready: it has a pid.
    pid: child.pid ?? -1,
    output: output.text,
    isRunning,
    exited,
    stop,
    peakRssMb: readPeak,
  };
}

async function isReady(ready: Readiness, output: () => string): Promise<boolean> {
  if ('logLine' in ready) return output().includes(ready.logLine);
  return fetch(ready.url).then(
    (response) => response.ok,
    () => false,
  );
}

/** Peak resident set of a running process in MB (Linux VmHWM); 0 when it cannot be read. */
export function peakRssOf(pid: number): number {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** The last `limit` characters of a stream of chunks, without copying them all on every chunk. */
function keepTail(limit: number) {
  const chunks: string[] = [];
  let size = 0;
  return {
    add: (chunk: Buffer | string) => {
      const text = String(chunk);
      chunks.push(text);
      size += text.length;
      while (chunks.length > 1 && size - chunks[0].length >= limit) size -= chunks.shift()?.length ?? 0;
    },
    text: () => chunks.join('').slice(-limit),
  };
}
