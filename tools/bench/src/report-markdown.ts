import {
  isFailed,
  isSkipped,
  measured,
  TARGETS,
  type BenchReport,
  type MemoryResult,
  type OracleResult,
  type Outcome,
  type StepResult,
} from './report-model.js';

type Verdict = 'met' | 'missed' | 'not measured' | 'pending';

const num = (n: number | null | undefined, digits = 1) =>
  n === null || n === undefined || !Number.isFinite(n) ? 'n/a' : n.toLocaleString('en-US', { maximumFractionDigits: digits });
const ms = (n: number | null | undefined) => `${num(n)} ms`;
/** Table cells stay on one line and keep their columns. */
const cell = (text: string, max = 300) => {
  const line = text.replace(/\s+/g, ' ').replace(/\|/g, '\\|');
  return line.length > max ? `${line.slice(0, max)}...` : line;
};
/** A figure, or an empty cell when there is none. */
const blank = (n: number | undefined, format: (n: number) => string) => (n === undefined ? '' : format(n));
const verdict = (ok: boolean): Verdict => (ok ? 'met' : 'missed');

/** Why an outcome holds no figures, or undefined when it does. */
function missing(outcome: Outcome<object>, status: BenchReport['status']): { text: string; verdict: Verdict } | undefined {
  if (outcome === undefined) {
    if (status === 'running') return { text: 'pending (not run yet)', verdict: 'pending' };
    return { text: `not measured: ${status === 'interrupted' ? 'the bench was interrupted' : 'the bench stopped before this phase'}`, verdict: 'not measured' };
  }
  if (isFailed(outcome)) return { text: `not measured: ${outcome.error}`, verdict: 'not measured' };
  if (isSkipped(outcome)) return { text: `not measured: ${outcome.skipped}`, verdict: 'not measured' };
  return undefined;
}

const workersOf = (memory: MemoryResult) => Object.entries(memory.peakRssMb).filter(([app]) => app.startsWith('worker-'));

function headline(report: BenchReport): string[] {
  const rows: Array<[string, string, string, Verdict]> = [];
  const add = (what: string, target: string, outcome: Outcome<object>, figures: () => [string, Verdict]) => {
    const gap = missing(outcome, report.status);
    rows.push(gap ? [what, target, gap.text, gap.verdict] : [what, target, ...figures()]);
  };
  const { intake, endToEnd: e2e, sustained, memory } = report;

  add('Intake throughput vs bare Fastify (32 connections)', `>= ${TARGETS.intakeThroughputRatio}x`, intake, () =>
    measured(intake)
      ? [`${intake.throughputRatio}x: ${num(intake.gateway.requestsPerSecond, 0)} vs ${num(intake.bare.requestsPerSecond, 0)} accepted/s`, verdict(intake.throughputRatio >= TARGETS.intakeThroughputRatio)]
      : ['', 'pending'],
  );
  add('Intake p99 ack latency vs bare Fastify', `<= ${TARGETS.intakeP99Ratio}x`, intake, () =>
    measured(intake)
      ? [`${intake.p99Ratio}x: ${ms(intake.gateway.p99Ms)} vs ${ms(intake.bare.p99Ms)} (gateway p50 ${ms(intake.gateway.p50Ms)})`, verdict(intake.p99Ratio <= TARGETS.intakeP99Ratio)]
      : ['', 'pending'],
  );
  add('End to end p99, 202 -> event on sync.changes', `< ${TARGETS.endToEndP99Ms} ms at ${num(TARGETS.endToEndRate)}/s for ${TARGETS.endToEndSeconds} s`, e2e, () =>
    measured(e2e)
      ? [`${ms(e2e.p99Ms)} (p50 ${ms(e2e.p50Ms)}) at ${num(e2e.rate)}/s for ${e2e.seconds} s, ${num(e2e.achievedRate)}/s achieved`, verdict(e2e.events > 0 && e2e.p99Ms < TARGETS.endToEndP99Ms)]
      : ['', 'pending'],
  );
  const oracle: Outcome<OracleResult> = measured(e2e) ? e2e.oracle : e2e;
  add('Nothing lost, nothing applied twice (oracle)', '0 lost, 0 applied twice', oracle, () =>
    measured(oracle)
      ? [
          `${num(oracle.lost, 0)} lost, ${num(oracle.wrong, 0)} wrong, ${num(oracle.appliedTwice, 0)} applied twice of ${num(oracle.checked, 0)} records; API ${num(oracle.apiLost + oracle.apiWrong, 0)} of ${num(oracle.apiChecked, 0)} off`,
          verdict(oracle.lost + oracle.wrong + oracle.appliedTwice + oracle.apiLost + oracle.apiWrong === 0),
        ]
      : ['', 'pending'],
  );
  add('Highest rate sustained without growing queues', `>= ${num(TARGETS.sustainedRate)}/s for ${TARGETS.sustainedSeconds} s`, sustained, () => {
    if (!measured(sustained)) return ['', 'pending'];
    const tried = sustained.steps.filter((s) => s.sustained !== undefined);
    const best = sustained.highestSustainedRate;
    const seconds = Math.min(...sustained.steps.filter((s) => s.rate === best).map((s) => s.seconds));
    const text = best === null ? `none of ${tried.map((s) => `${num(s.rate)}/s`).join(', ') || 'the rates'} was sustained` : `${num(best)}/s (for ${seconds} s)`;
    return [text, verdict(best !== null && best >= TARGETS.sustainedRate)];
  });
  add('Gateway peak RSS', `<= ${TARGETS.gatewayRssMb} MB`, memory, () => {
    const mb = measured(memory) ? memory.peakRssMb.gateway : undefined;
    return mb === undefined ? ['not measured: the gateway did not run', 'not measured'] : [`${num(mb, 0)} MB`, verdict(mb <= TARGETS.gatewayRssMb)];
  });
  add('Worker peak RSS (highest of the workers)', `<= ${TARGETS.workerRssMb} MB each`, memory, () => {
    const workers = measured(memory) ? workersOf(memory).sort(([, a], [, b]) => b - a) : [];
    const top = workers[0];
    return top === undefined ? ['not measured: no worker ran', 'not measured'] : [`${num(top[1], 0)} MB (${top[0]})`, verdict(top[1] <= TARGETS.workerRssMb)];
  });
  return ['| | target | measured | |', '|---|---|---|---|', ...rows.map(([what, target, figure, v]) => `| ${what} | ${target} | ${cell(figure)} | ${v} |`)];
}

function intakeSection(report: BenchReport): string[] {
  const intake = report.intake;
  const lines = ['## Intake (wrk, 32 connections, 5-line purchase orders)', ''];
  const gap = missing(intake, report.status);
  if (gap || !measured(intake)) return [...lines, gap?.text ?? 'pending', ''];
  const row = (name: string, r: typeof intake.bare) => `| ${name} | ${num(r.requestsPerSecond, 0)} | ${ms(r.p50Ms)} | ${ms(r.p99Ms)} | ${num(r.non2xx, 0)} | ${num(r.socketErrors, 0)} |`;
  lines.push(
    '| | accepted/s | p50 | p99 | non-2xx | socket errors |',
    '|---|---:|---:|---:|---:|---:|',
    row('bare Fastify route', intake.bare),
    row('gateway', intake.gateway),
    '',
    `${intake.payload}; best of ${intake.rounds.gateway.length} rounds of ${intake.secondsPerRound} s each, alternating. ` +
      `Throughput ${intake.throughputRatio}x the bare route (target >= ${TARGETS.intakeThroughputRatio}), p99 ${intake.p99Ratio}x (target <= ${TARGETS.intakeP99Ratio}).`,
  );
  if (intake.gateway.non2xx > 0 || intake.gateway.socketErrors > 0) lines.push('', `**The gateway answered ${intake.gateway.non2xx} requests with other than 2xx and had ${intake.gateway.socketErrors} socket errors.**`);
  return [...lines, ''];
}

function endToEndSection(report: BenchReport): string[] {
  const e2e = report.endToEnd;
  const title = `## End to end: ${num(report.options.rate)} notifications/s for ${report.options.duration} s (20 % split, 5 % duplicates, 5 % late)`;
  const gap = missing(e2e, report.status);
  if (gap || !measured(e2e)) return [title, '', gap?.text ?? 'pending', ''];
  const resent = Object.entries(e2e.resent);
  const lines = [
    title,
    '',
    `The gateway acknowledged ${num(e2e.achievedRate)} notifications/s while the simulator sent (${num(e2e.notifications, 0)} notifications in ${num(e2e.requests, 0)} accepted requests` +
      `${resent.length > 0 ? `; resent after ${resent.map(([status, n]) => `${n} x ${status}`).join(', ')}` : ''}${e2e.gaveUp > 0 ? `; **${e2e.gaveUp} given up on**` : ''}); ${num(e2e.events, 0)} change events matched.`,
    `202 -> change event on sync.changes (removals excluded): p50 ${ms(e2e.p50Ms)}, p99 ${ms(e2e.p99Ms)}, max ${ms(e2e.maxMs)} (target p99 < ${TARGETS.endToEndP99Ms} ms).`,
  ];
  const oracle = e2e.oracle;
  if (measured(oracle)) {
    lines.push(
      `Oracle: ${num(oracle.checked, 0)} records checked in PostgreSQL: ${num(oracle.lost, 0)} lost, ${num(oracle.wrong, 0)} wrong, ${num(oracle.appliedTwice, 0)} applied twice; ` +
        `${num(oracle.apiChecked, 0)} documents through the API: ${num(oracle.apiLost, 0)} lost, ${num(oracle.apiWrong, 0)} wrong.`,
    );
    if (oracle.differences.length > 0) lines.push('', 'First differences:', '', ...oracle.differences.slice(0, 10).map((d) => `- ${cell(d)}`), '');
  } else {
    lines.push(`Oracle: ${missing(oracle, report.status)?.text ?? 'pending'}.`);
  }
  lines.push(
    `The last request (late and duplicate deliveries included) was accepted ${e2e.sendingSeconds} s after the first; ` +
      (e2e.drainSeconds === null ? `the backlog did not drain in time: ${cell(e2e.settleError ?? 'unknown')}.` : `the backlog drained ${e2e.drainSeconds} s after that.`),
    e2e.sustained ? `Kept up: this rate counts as sustained.` : `Did not keep up: ${cell(e2e.reason ?? 'unknown')}.`,
  );
  if (e2e.subscriptionError !== undefined) lines.push(`The sync.changes subscription reported an error: ${cell(e2e.subscriptionError)}.`);
  lines.push('', '![latency over time](latency.svg)', '', 'Latency and backlog second by second: `timeline` in report.json.', '');
  return lines;
}

function stepCell(step: StepResult): string {
  if (step.error !== undefined) return `not measured: ${cell(step.error)}`;
  if (step.skipped !== undefined) return `skipped: ${cell(step.skipped)}`;
  return step.sustained ? 'yes' : `no: ${cell(step.reason ?? 'unknown')}`;
}

function sustainedSection(report: BenchReport): string[] {
  const sustained = report.sustained;
  const title = `## Highest sustained rate (${report.options.stepDuration} s steps; the end-to-end run counts as the first)`;
  const gap = missing(sustained, report.status);
  if (gap || !measured(sustained)) return [title, '', gap?.text ?? 'pending', ''];
  const lines = [
    title,
    '',
    '| rate/s | run | achieved/s | p50 | p99 | backlog first third | backlog last third | drain | sustained |',
    '|---:|---|---:|---:|---:|---:|---:|---:|---|',
    ...sustained.steps.map(
      (s) =>
        `| ${num(s.rate)} | ${s.source === 'end-to-end' ? `end to end, ${s.seconds} s` : `step, ${s.seconds} s`} | ${blank(s.achievedRate, num)} | ${blank(s.p50Ms, ms)} | ${blank(s.p99Ms, ms)} | ${blank(s.backlogFirstThird, num)} | ${blank(s.backlogLastThird, num)} | ${s.drainSeconds === undefined ? '' : s.drainSeconds === null ? 'did not settle' : `${s.drainSeconds} s`} | ${stepCell(s)} |`,
    ),
    '',
    'Sustained: the gateway acknowledged >= 95 % of the rate while sending, the backlog of the last third was not above max(rate, 1.5 x the first third), and it drained within 10 s.',
    '',
    `Highest sustained: ${sustained.highestSustainedRate === null ? 'none' : `${num(sustained.highestSustainedRate)} notifications/s`} (target >= ${num(TARGETS.sustainedRate)} for ${TARGETS.sustainedSeconds} s).`,
  ];
  if (sustained.note !== undefined) lines.push('', sustained.note);
  return [...lines, ''];
}

function memorySection(report: BenchReport): string[] {
  const memory = report.memory;
  const lines = ['## Peak memory (VmHWM)', ''];
  const gap = missing(memory, report.status);
  if (gap || !measured(memory)) return [...lines, gap?.text ?? 'pending', ''];
  const target = (app: string) => (app === 'gateway' ? TARGETS.gatewayRssMb : app.startsWith('worker-') ? TARGETS.workerRssMb : undefined);
  return [
    ...lines,
    '| process | peak RSS | target | |',
    '|---|---:|---:|---|',
    ...Object.entries(memory.peakRssMb).map(([app, mb]) => {
      const limit = target(app);
      return `| ${app} | ${num(mb, 0)} MB | ${limit === undefined ? '' : `<= ${limit} MB`} | ${limit === undefined ? '' : verdict(mb <= limit)} |`;
    }),
    '',
  ];
}

/** The report as markdown: the headline first, then each phase, then what failed. */
export function renderMarkdown(report: BenchReport): string {
  const o = report.options;
  const short = o.rate !== TARGETS.endToEndRate || o.duration < TARGETS.endToEndSeconds || (o.phases.includes('steps') && o.stepDuration < TARGETS.sustainedSeconds);
  const status =
    report.status === 'running'
      ? `**In progress**${report.running ? ` (now: ${report.running})` : ''}: this report is rewritten after every phase.`
      : report.status === 'interrupted'
        ? '**Interrupted**: what was measured before the bench was stopped.'
        : `Finished ${report.finishedAt ?? ''}.`;
  const lines = [
    `# WMSi benchmark, ${report.date}`,
    '',
    status,
    '',
    `${report.machine.cpus} CPUs (${report.machine.cpu ?? 'unknown'}), Node ${report.machine.node}; every app its own process, as \`npm start\` runs them. ` +
      `Run with \`--rate ${o.rate} --duration ${o.duration} --steps ${o.steps.join(',')} --step-duration ${o.stepDuration} --intake-seconds ${o.intakeSeconds} --phases ${o.phases.join(',')}\`.`,
    '',
    '## Headline',
    '',
    ...headline(report),
    '',
  ];
  if (short) lines.push(`This run is shorter or slower than the issue's conditions (${num(TARGETS.endToEndRate)}/s for ${TARGETS.endToEndSeconds} s, ${TARGETS.sustainedSeconds} s steps): its figures are indicative only.`, '');
  lines.push(...intakeSection(report), ...endToEndSection(report), ...sustainedSection(report), ...memorySection(report));
  if (report.failures !== undefined && report.failures.length > 0) lines.push('## Failures', '', ...report.failures.map((f) => `- ${cell(f, 1_000)}`), '');
  return lines.join('\n');
}
