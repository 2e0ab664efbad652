/**
 * npm run bench: the whole of WMSi measured in one run on this machine, written as a report
 * (markdown, JSON and an SVG chart of latency over time) under tools/bench/results/<time>/.
 *
 *   1. intake: the gateway against a bare Fastify JSON-POST route, same payload, same wrk load;
 *   2. end to end: a simulated Acumatica at a steady rate (default 1,000 notifications/s for 60 s,
 *      20 % split pairs, 5 % duplicates, 5 % late): 202 -> change event on `sync.changes`, and the
 *      oracle's check of PostgreSQL and the API (nothing lost, nothing applied twice);
 *   3. the highest rate the pipeline sustains without its queues growing (the end-to-end run is
 *      the first step, then each of --steps for --step-duration seconds);
 *   4. peak RSS of every process.
 *
 *   npm run bench [-- --rate 1000 --duration 60 --steps 1500,2000,2500 --step-duration 60
 *                     --intake-seconds 10 --phases intake,e2e,steps]
 *
 * The report is rewritten after every phase, so a run that dies still leaves what it measured.
 * Every phase has a deadline; one that fails or runs out of time is reported as not measured and
 * the bench goes on. The exit code is 1 when something failed (a phase, or the oracle's check).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { checkApi, checkDatabase, issueCredentials, startStack, waitUntilSettled, type Oracle, type Stack } from '@wmsi/acumatica-sim';
import { createWmsClient } from '@wmsi/client';
import { loadEnv } from '@wmsi/config';
import type { Topic } from '@wmsi/contracts';
import { createDb, databaseUrl, dropDatabase, ensureDatabaseExists, migrateToLatest, type Database } from '@wmsi/db';
import { connectForBackgroundWork } from '@wmsi/queue';
import { deleteKeysWithPrefix } from '@wmsi/queue/testing';
import { DeadlineError, reasonOf, withDeadline } from './deadline.js';
import { runStream, sustainedVerdict, type StreamSummary } from './pipeline-stream.js';
import { renderMarkdown } from './report-markdown.js';
import { failuresOf, isFailed, measured, type BenchReport, type Failed, type IntakeResult, type OracleResult, type StepResult } from './report-model.js';
import { latencyChart } from './svg-chart.js';
import { WRK_MISSING, wrkIsInstalled } from './wrk.js';

const PHASES = ['intake', 'e2e', 'steps'] as const;
type Phase = (typeof PHASES)[number];
const USAGE = 'usage: npm run bench -- [--rate 1000] [--duration 60] [--steps 1500,2000,2500] [--step-duration 60] [--intake-seconds 10] [--phases intake,e2e,steps]';

function readOptions() {
  const { values } = parseArgs({
    options: {
      rate: { type: 'string', default: '1000' },
      duration: { type: 'string', default: '60' },
      steps: { type: 'string', default: '1500,2000,2500' },
      'step-duration': { type: 'string', default: '60' },
      'intake-seconds': { type: 'string', default: '10' },
      phases: { type: 'string', default: PHASES.join(',') },
    },
  });
  const positive = (name: string, text: string | undefined) => {
    const n = Number(text);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, not ${JSON.stringify(text)}`);
    return n;
  };
  const phases = (values.phases ?? '').split(',').map((p) => p.trim()).filter(Boolean);
  const unknown = phases.filter((p) => !(PHASES as readonly string[]).includes(p));
  if (phases.length === 0 || unknown.length > 0) throw new Error(`--phases takes a list of ${PHASES.join(', ')}${unknown.length > 0 ? `, not ${unknown.join(', ')}` : ''}`);
  return {
    rate: positive('rate', values.rate),
    duration: positive('duration', values.duration),
    steps: (values.steps ?? '').split(',').filter((s) => s.trim() !== '').map((s) => positive('steps', s)),
    stepDuration: positive('step-duration', values['step-duration']),
    intakeSeconds: positive('intake-seconds', values['intake-seconds']),
    phases: PHASES.filter((p) => phases.includes(p)),
  };
}

let options: ReturnType<typeof readOptions>;
try {
  options = readOptions();
} catch (error) {
  console.error(`bench: ${reasonOf(error)}\n${USAGE}`);
  process.exit(2);
}
const wanted = (phase: Phase) => options.phases.includes(phase);
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url)).replace(/\/$/, '');
const env = loadEnv();
const log = (line: string) => console.log(`bench: ${line}`);

const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const folder = `${repoRoot}/tools/bench/results/${stamp}`;
mkdirSync(folder, { recursive: true });
const needsStack = wanted('e2e') || wanted('steps');
const notAsked = { skipped: 'not in --phases' };
const report: BenchReport = {
  date: new Date().toISOString(),
  status: 'running',
  options,
  machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version },
  intake: wanted('intake') ? undefined : notAsked,
  endToEnd: wanted('e2e') ? undefined : notAsked,
  sustained: needsStack ? undefined : notAsked,
  memory: needsStack ? undefined : { skipped: 'no stack ran (neither e2e nor steps in --phases)' },
};

/** Writes a file whole or not at all: someone may be reading the report while the bench runs. */
function writeAtomically(path: string, text: string) {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

/** Rewrites report.json, report.md and (once there is a timeline) latency.svg with all measured so far. */
function save() {
  const failures = failuresOf(report);
  if (failures.length > 0) report.failures = failures;
  else delete report.failures;
  writeAtomically(`${folder}/report.json`, `${JSON.stringify(report, null, 2)}\n`);
  writeAtomically(`${folder}/report.md`, renderMarkdown(report));
  const e2e = report.endToEnd;
  const step = measured(report.sustained) ? report.sustained.steps.find((s) => s.timeline !== undefined && s.timeline.length > 0) : undefined;
  if (measured(e2e) && e2e.timeline.length > 0) {
    writeAtomically(`${folder}/latency.svg`, latencyChart(e2e.timeline, `202 -> sync.changes event at ${e2e.rate}/s (p50, p99 per second)`));
  } else if (step?.timeline !== undefined) {
    writeAtomically(`${folder}/latency.svg`, latencyChart(step.timeline, `202 -> sync.changes event at ${step.rate}/s, rate step (p50, p99 per second)`));
  }
}

function running(what: string) {
  report.running = what;
  log(`${what}...`);
  save();
}

/** Runs one phase within its deadline; a failure or a timeout becomes `{ error }` and the bench goes on. */
async function phase<T>(what: string, ms: number, work: () => Promise<T>): Promise<T | Failed> {
  running(what);
  try {
    return await withDeadline(work(), ms, what);
  } catch (error) {
    log(`${what}: not measured: ${reasonOf(error)}`);
    return { error: reasonOf(error) };
  }
}

/**
 * The apps and scripts this process started that are still running (say a stack that failed
 * half-way, whose other apps startStack cannot hand back): children of this process working in
 * apps/, and the intake script.
 */
function ownChildren(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) !== process.pid) continue;
      const cwd = readlinkSync(`/proc/${entry}/cwd`);
      if (cwd.startsWith(`${repoRoot}/apps/`) || readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('tools/bench/src/intake.ts')) pids.push(Number(entry));
    } catch {
      // Gone in the meantime.
    }
  }
  return pids;
}

async function stopOwnChildren(): Promise<void> {
  if (!existsSync('/proc')) return;
  const left = ownChildren();
  if (left.length === 0) return;
  log(`stopping ${left.length} process(es) left running: ${left.join(', ')}`);
  const signal = (pid: number, name: NodeJS.Signals) => {
    try {
      process.kill(pid, name);
    } catch {
      // Ended by itself in the meantime.
    }
  };
  for (const pid of left) signal(pid, 'SIGTERM');
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  for (const pid of ownChildren()) signal(pid, 'SIGKILL');
}

/** 1. The intake bench (its own script: it starts its own gateway and bare route). */
async function measureIntake(seconds: number): Promise<IntakeResult | Failed> {
  if (!(await wrkIsInstalled())) return { error: WRK_MISSING };
  const out = join(tmpdir(), `wmsi-intake-${process.pid}-${Date.now()}.json`);
  const child: ChildProcess = spawn(process.execPath, ['--conditions=@wmsi/source', '--import', 'tsx', 'tools/bench/src/intake.ts', String(seconds), '--json', out], {
    cwd: repoRoot,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => resolve(signal ?? `exit code ${code}`));
    child.once('error', (error) => resolve(reasonOf(error)));
  });
  // Two 3 s warm-ups and two rounds of `seconds` against each server, plus starting, migrating and cleaning up.
  const deadlineMs = (6 + 4 * seconds + 120) * 1000;
  try {
    const ended = await withDeadline(exited, deadlineMs, 'the intake bench');
    if (!existsSync(out)) return { error: `the intake bench ended (${ended}) without a result; see its output above` };
    const result = JSON.parse(readFileSync(out, 'utf8')) as IntakeResult | Failed;
    return result;
  } catch (error) {
    if (error instanceof DeadlineError) {
      // It cleans up (its gateway, database and keys) on SIGTERM.
      child.kill('SIGTERM');
      await withDeadline(exited, 20_000, 'the intake bench stopping').catch(() => child.kill('SIGKILL'));
    }
    throw error;
  } finally {
    rmSync(out, { force: true });
  }
}

/** How many entries a CheckReport list stands for (it lists 20 and adds "(and N more)"). */
const countOf = (list: string[]) => list.reduce((n, item) => n + Number(/^\(and (\d+) more\)$/.exec(item)?.[1] ?? 1), 0);

async function checkOracle(db: Database, stack: Stack, token: string, oracle: Oracle): Promise<OracleResult> {
  const stored = await checkDatabase(db, oracle);
  const api = await checkApi(createWmsClient({ url: stack.apiUrl, token }), oracle);
  return {
    checked: stored.checked,
    lost: countOf(stored.lost),
    wrong: stored.wrong.length,
    appliedTwice: stored.appliedTwice.length,
    apiChecked: api.checked,
    apiLost: countOf(api.lost),
    apiWrong: api.wrong.length,
    differences: [...stored.lost, ...stored.wrong, ...stored.appliedTwice, ...api.lost, ...api.wrong].slice(0, 20),
  };
}

function stepOf(summary: StreamSummary, source: StepResult['source']): StepResult {
  const { sustained, reason } = sustainedVerdict(summary);
  return {
    rate: summary.rate,
    seconds: summary.seconds,
    source,
    sustained,
    ...(reason !== undefined ? { reason } : {}),
    achievedRate: summary.achievedRate,
    p50Ms: summary.p50Ms,
    p99Ms: summary.p99Ms,
    backlogFirstThird: summary.backlogFirstThird,
    backlogLastThird: summary.backlogLastThird,
    drainSeconds: summary.drainSeconds,
    // The end-to-end run's timeline is in endToEnd already.
    ...(source === 'step' ? { timeline: summary.timeline } : {}),
  };
}

const highestOf = (steps: StepResult[]) => {
  const rates = steps.filter((s) => s.sustained === true).map((s) => s.rate);
  return rates.length === 0 ? null : Math.max(...rates);
};

// -- The run ----------------------------------------------------------------------------------

const runId = randomBytes(4).toString('hex');
const dbUrl = databaseUrl(env.DATABASE_URL, `wmsi_bench_${runId}`);
const prefix = `bench-${runId}`;
let db: Database | undefined;
let stack: Stack | undefined;

let finishing: Promise<never> | undefined;
/** Stops the stack, removes this run's database and keys, writes the report a last time and exits. */
function finish(status: BenchReport['status'], signalCode?: number): Promise<never> {
  return (finishing ??= (async () => {
    if (stack !== undefined) {
      running('stopping the stack');
      const before = stack.peakRssMb();
      await withDeadline(stack.stopAll(), 60_000, 'stopping the stack').catch((error) => log(reasonOf(error)));
      // stop() reads each app's peak just before it ends it: the memory figures are final now.
      // Interrupted before the memory phase: the peaks so far are still worth keeping.
      if (report.memory === undefined || measured(report.memory)) {
        const after = stack.peakRssMb();
        report.memory = { peakRssMb: Object.fromEntries(Object.entries(after).map(([app, mb]) => [app, Math.max(mb, before[app] ?? 0)])) };
      }
    }
    await stopOwnChildren();
    if (needsStack) {
      const redis = connectForBackgroundWork(env.REDIS_URL, () => undefined);
      await withDeadline(deleteKeysWithPrefix(redis, prefix), 60_000, 'deleting the keys of the run').catch((error) => log(reasonOf(error)));
      redis.disconnect();
      await db?.destroy().catch(() => undefined);
      await withDeadline(dropDatabase(dbUrl), 60_000, 'dropping the database of the run').catch((error) => log(`could not drop ${dbUrl}: ${reasonOf(error)}`));
    }
    report.status = status;
    delete report.running;
    report.finishedAt = new Date().toISOString();
    save();
    console.log(`\n${renderMarkdown(report)}`);
    log(`written to ${folder}`);
    const failures = report.failures ?? [];
    if (failures.length > 0) log(`failed: ${failures.join('; ')}`);
    process.exit(signalCode !== undefined ? 128 + signalCode : failures.length > 0 ? 1 : 0);
  })());
}
for (const [signal, code] of [['SIGINT', 2], ['SIGTERM', 15]] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping; the report keeps what was measured so far`);
    void finish('interrupted', code);
  });
}

try {
  save();
  if (wanted('intake')) {
    report.intake = await phase('intake: gateway vs bare Fastify with wrk', (6 + 4 * options.intakeSeconds + 150) * 1000, () => measureIntake(options.intakeSeconds));
    save();
  }

  let credentials: { keys: Partial<Record<Topic, string>>; token: string } | undefined;
  if (needsStack) {
    const setup = await phase('starting the stack', 240_000, async () => {
      await ensureDatabaseExists(dbUrl);
      db = createDb(dbUrl);
      await migrateToLatest(db);
      const issued = await issueCredentials(db, env.REDIS_URL, prefix);
      stack = await startStack({ databaseUrl: dbUrl, redisUrl: env.REDIS_URL, prefix, env: { LOG_LEVEL: 'warn' } });
      return issued;
    });
    if (isFailed(setup)) {
      // Whatever did start of it is still running.
      await stopOwnChildren();
      const error = `the stack did not start: ${setup.error}`;
      if (wanted('e2e')) report.endToEnd = { error };
      report.sustained = wanted('e2e') ? { skipped: 'the stack did not start' } : { error };
      report.memory = { skipped: 'the stack did not start' };
    } else {
      credentials = setup;
    }
  }

  const steps: StepResult[] = [];
  if (stack !== undefined && credentials !== undefined && db !== undefined) {
    const live = { stack, keys: credentials.keys, token: credentials.token, redisUrl: env.REDIS_URL, prefix };
    const liveDb = db;

    if (wanted('e2e')) {
      const e2eMs = (options.duration + 180) * 1000;
      const measuredStream = await phase(`end to end: ${options.rate}/s for ${options.duration} s`, e2eMs + 30_000, () =>
        runStream({ ...live, rate: options.rate, seconds: options.duration, deadlineMs: e2eMs }),
      );
      if (isFailed(measuredStream)) {
        report.endToEnd = measuredStream;
      } else {
        const { summary, oracle } = measuredStream;
        const { sustained, reason } = sustainedVerdict(summary);
        report.endToEnd = { ...summary, sustained, ...(reason !== undefined ? { reason } : {}), oracle: undefined };
        steps.push(stepOf(summary, 'end-to-end'));
        log(`end to end: p50 ${summary.p50Ms} ms, p99 ${summary.p99Ms} ms at ${summary.achievedRate}/s; ${sustained ? 'kept up' : `did not keep up: ${reason}`}`);
        const checked =
          summary.drainSeconds === null
            ? { error: `the pipeline did not settle in time to check it (${summary.settleError ?? 'unknown'})` }
            : await phase('end to end: the oracle checks PostgreSQL and the API', 180_000, () => checkOracle(liveDb, live.stack, live.token, oracle));
        report.endToEnd = { ...report.endToEnd, oracle: checked };
        if (measured(checked)) log(`oracle: ${checked.checked} records, ${checked.lost} lost, ${checked.wrong} wrong, ${checked.appliedTwice} applied twice`);
      }
      save();
    }

    if (wanted('steps')) {
      report.sustained = { steps, highestSustainedRate: highestOf(steps) };
      let blocked: string | undefined;
      for (const rate of options.steps) {
        const base = { rate, seconds: options.stepDuration, source: 'step' as const };
        const notSustainedBelow = steps.find((s) => s.sustained === false && s.rate <= rate);
        if (blocked !== undefined) {
          steps.push({ ...base, skipped: blocked });
        } else if (notSustainedBelow !== undefined) {
          steps.push({ ...base, skipped: `not sustained at ${notSustainedBelow.rate}/s already` });
        } else {
          running(`sustained rate: ${rate}/s for ${options.stepDuration} s`);
          // Each step starts from an idle pipeline; one still busy with the run before would measure that run.
          const idle = await withDeadline(waitUntilSettled(env.REDIS_URL, prefix, 60_000), 65_000, 'settling before the step').then(
            () => undefined,
            (error: unknown) => reasonOf(error),
          );
          if (idle !== undefined) {
            blocked = `WMSi was still busy with the run before: ${idle}`;
            steps.push({ ...base, skipped: blocked });
            log(`${rate}/s: skipped: ${blocked}`);
          } else {
            try {
              const stepMs = (options.stepDuration + 120) * 1000;
              const { summary } = await withDeadline(runStream({ ...live, rate, seconds: options.stepDuration, deadlineMs: stepMs }), stepMs + 30_000, `the ${rate}/s step`);
              const step = stepOf(summary, 'step');
              steps.push(step);
              log(`${rate}/s: ${step.sustained ? 'sustained' : `not sustained: ${step.reason}`} (achieved ${step.achievedRate}/s, p99 ${step.p99Ms} ms, backlog ${step.backlogFirstThird} -> ${step.backlogLastThird}, drain ${step.drainSeconds ?? '-'} s)`);
            } catch (error) {
              // Out of time counts as not sustained; anything else is a failure of the bench.
              const timedOut = error instanceof DeadlineError;
              steps.push(timedOut ? { ...base, sustained: false, reason: reasonOf(error) } : { ...base, error: reasonOf(error) });
              log(`${rate}/s: ${timedOut ? 'not sustained' : 'not measured'}: ${reasonOf(error)}`);
              // Nothing can stop the simulator's resends: the pipeline stays busy with them for a while.
              blocked = `the ${rate}/s step ${timedOut ? 'ran out of time' : 'failed'}`;
            }
          }
        }
        report.sustained = { steps, highestSustainedRate: highestOf(steps) };
        save();
      }
    } else if (steps.length > 0) {
      report.sustained = { steps, highestSustainedRate: highestOf(steps), note: 'Only the end-to-end rate was tried (steps not in --phases).' };
    } else if (report.sustained === undefined) {
      report.sustained = { skipped: 'the end-to-end run was not measured and steps are not in --phases' };
    }

    running('memory: peak RSS per process');
    report.memory = { peakRssMb: stack.peakRssMb() };
    save();
  }
} catch (error) {
  // A bug of the bench itself: keep what was measured, say what happened, clean up all the same.
  log(`failed: ${reasonOf(error, 4_000)}`);
  const pending = (['intake', 'endToEnd', 'sustained', 'memory'] as const).find((key) => report[key] === undefined);
  if (pending !== undefined) report[pending] = { error: reasonOf(error) };
}
await finish('done');
