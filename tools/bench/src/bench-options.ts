import { parseArgs } from 'node:util';
import { isWorkerApp, STACK_APPS, type StackApp, type WorkerApp } from '@wmsi/stack';

export const PHASES = ['intake', 'worker-apply', 'latency', 'e2e', 'steps'] as const;
export type Phase = (typeof PHASES)[number];

export interface BenchOptions {
  /** The end-to-end run: the target rate, and its oracle check. */
  rate: number;
  duration: number;
  /** Fixed rates for the latency targets, each on a fresh stack. */
  latencySteps: number[];
  latencyDuration: number;
  /** Rates above the end-to-end run, tried in turn until one is not sustained. */
  steps: number[];
  stepDuration: number;
  intakeSeconds: number;
  /**
   * Seconds every stream runs at its rate before its measured seconds (0 for none): the first
   * seconds of a fresh stack and database (JIT, plans, pools, empty tables) are reported apart.
   */
  warmUp: number;
  /** Notifications per worker-apply measurement. */
  workerApplyCount: number;
  /** Processes per worker app in every stream's stack (scale-out), e.g. worker-fulfillment=2. */
  replicas: Partial<Record<WorkerApp, number>>;
  phases: Phase[];
}

export const USAGE =
  'usage: npm run bench -- [--rate 1000] [--duration 60] [--latency-steps 100,500] [--latency-duration 60] ' +
  '[--steps 1500,2000,2500] [--step-duration 60] [--warm-up 10] [--intake-seconds 10] [--worker-apply-count 300] ' +
  '[--replicas worker-fulfillment=2,worker-receiving=2] ' +
  `[--phases ${PHASES.join(',')}]`;

const positive = (name: string, text: string | undefined) => {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, not ${JSON.stringify(text)}`);
  return n;
};
const notNegative = (name: string, text: string | undefined) => {
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be 0 or more, not ${JSON.stringify(text)}`);
  return n;
};
const rates = (name: string, text: string | undefined) =>
  (text ?? '')
    .split(',')
    .filter((s) => s.trim() !== '')
    .map((s) => positive(name, s));

/** `worker-fulfillment=2,worker-items=2`: processes per worker app. */
function replicasOf(text: string | undefined): Partial<Record<WorkerApp, number>> {
  const replicas: Partial<Record<WorkerApp, number>> = {};
  for (const pair of (text ?? '').split(',').filter((s) => s.trim() !== '')) {
    const [app, count] = pair.split('=').map((s) => s.trim());
    if (!(STACK_APPS as readonly string[]).includes(app) || !isWorkerApp(app as StackApp)) throw new Error(`--replicas takes worker apps (worker-fulfillment=2,...), not ${JSON.stringify(app)}`);
    const n = positive('replicas', count);
    if (!Number.isInteger(n)) throw new Error(`--replicas: ${app} needs a whole number of processes, not ${count}`);
    replicas[app as WorkerApp] = n;
  }
  return replicas;
}

/** The command line of `npm run bench`, checked; throws with the reason when it is off. */
export function readBenchOptions(args: string[]): BenchOptions {
  const { values } = parseArgs({
    args,
    options: {
      rate: { type: 'string', default: '1000' },
      duration: { type: 'string', default: '60' },
      'latency-steps': { type: 'string', default: '100,500' },
      'latency-duration': { type: 'string', default: '60' },
      steps: { type: 'string', default: '1500,2000,2500' },
      'step-duration': { type: 'string', default: '60' },
      'intake-seconds': { type: 'string', default: '10' },
      'warm-up': { type: 'string', default: '10' },
      'worker-apply-count': { type: 'string', default: '300' },
      replicas: { type: 'string', default: '' },
      phases: { type: 'string', default: PHASES.join(',') },
    },
  });
  const phases = (values.phases ?? '').split(',').map((p) => p.trim()).filter(Boolean);
  const unknown = phases.filter((p) => !(PHASES as readonly string[]).includes(p));
  if (phases.length === 0 || unknown.length > 0) throw new Error(`--phases takes a list of ${PHASES.join(', ')}${unknown.length > 0 ? `, not ${unknown.join(', ')}` : ''}`);
  return {
    rate: positive('rate', values.rate),
    duration: positive('duration', values.duration),
    latencySteps: rates('latency-steps', values['latency-steps']),
    latencyDuration: positive('latency-duration', values['latency-duration']),
    steps: rates('steps', values.steps),
    stepDuration: positive('step-duration', values['step-duration']),
    intakeSeconds: positive('intake-seconds', values['intake-seconds']),
    warmUp: notNegative('warm-up', values['warm-up']),
    workerApplyCount: Math.round(positive('worker-apply-count', values['worker-apply-count'])),
    replicas: replicasOf(values.replicas),
    phases: PHASES.filter((p) => phases.includes(p)),
  };
}
