import { cpus } from 'node:os';
import type { WorkerApp } from '@wmsi/stack';
import { reasonOf, withDeadline } from './deadline.js';
import type { BenchOptions, Phase } from './bench-options.js';
import { writeReportFiles } from './report-files.js';
import { failuresOf, type BenchReport, type Failed } from './report-model.js';

/** What every measurement needs of the bench around it: where to run, how to tell, how to clean up. */
export interface BenchEnv {
  databaseUrl: string;
  redisUrl: string;
  log(line: string): void;
  /**
   * Registers what undoes work under way (stop a stack, drop a database) should the bench be
   * stopped first; returns what unregisters it once the work undid itself.
   */
  onInterrupt(cleanup: () => Promise<unknown>): () => void;
  /** Node flags for every app the bench starts (CPU profiles with BENCH_PROFILE_DIR). */
  nodeFlags: string[];
  /** Processes per worker app in every stream's stack. */
  replicas?: Partial<Record<WorkerApp, number>>;
  /** Seconds every stream runs before its measured seconds (--warm-up). */
  warmUpSeconds?: number;
}

/** One `npm run bench`: its options, its report as measured so far, and where that is written. */
export interface BenchRun extends BenchEnv {
  readonly options: BenchOptions;
  readonly report: BenchReport;
  readonly folder: string;
  wanted(phase: Phase): boolean;
  /** Rewrites the report's files with all measured so far. */
  save(): void;
  /** Says what runs now, in the log and in the report. */
  running(what: string): void;
  /** Runs one piece of work within its deadline; a failure or a timeout becomes `{ error }`. */
  attempt<T>(what: string, ms: number, work: () => Promise<T>): Promise<T | Failed>;
  /** Runs every registered cleanup (the bench was interrupted, or a phase left work behind). */
  cleanUp(): Promise<void>;
}

export function createBenchRun(options: BenchOptions, settings: { databaseUrl: string; redisUrl: string; folder: string; profileDir?: string }): BenchRun {
  const notAsked = { skipped: 'not in --phases' };
  const wanted = (phase: Phase) => options.phases.includes(phase);
  const report: BenchReport = {
    date: new Date().toISOString(),
    status: 'running',
    options,
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version },
    intake: wanted('intake') ? undefined : notAsked,
    workerApply: wanted('worker-apply') ? undefined : notAsked,
    latency: wanted('latency') ? undefined : notAsked,
    endToEnd: wanted('e2e') ? undefined : notAsked,
    sustained: wanted('steps') || wanted('e2e') || wanted('latency') ? undefined : notAsked,
    memory: undefined,
    staleness: undefined,
  };
  const cleanups = new Set<() => Promise<unknown>>();
  const log = (line: string) => console.log(`bench: ${line}`);
  const save = () => {
    const failures = failuresOf(report);
    if (failures.length > 0) report.failures = failures;
    else delete report.failures;
    writeReportFiles(settings.folder, report);
  };
  return {
    databaseUrl: settings.databaseUrl,
    redisUrl: settings.redisUrl,
    nodeFlags: settings.profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${settings.profileDir}`],
    replicas: options.replicas,
    warmUpSeconds: options.warmUp,
    options,
    report,
    folder: settings.folder,
    log,
    wanted,
    save,
    running(what) {
      report.running = what;
      log(`${what}...`);
      save();
    },
    async attempt(what, ms, work) {
      try {
        return await withDeadline(work(), ms, what);
      } catch (error) {
        log(`${what}: not measured: ${reasonOf(error)}`);
        return { error: reasonOf(error) };
      }
    },
    onInterrupt(cleanup) {
      cleanups.add(cleanup);
      return () => cleanups.delete(cleanup);
    },
    async cleanUp() {
      const pending = [...cleanups];
      cleanups.clear();
      await Promise.all(pending.map((cleanup) => withDeadline(cleanup(), 60_000, 'cleaning up').catch((error) => log(reasonOf(error)))));
    },
  };
}
