import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { round1 } from './percentiles.js';

/** CPU time per process while the simulator sent its measured seconds, as percent of one core (2 cores: up to 200 %). */
export interface CpuShare {
  seconds: number;
  cores: number;
  percentOfOneCore: Record<string, number>;
}

/** The processes to measure, by name; a name may stand for several (PostgreSQL's backends). */
export type ProcessGroups = () => Promise<Record<string, number[]>>;

/** User plus system CPU seconds a process has used so far; 0 once it is gone (or off Linux). */
function cpuSecondsOf(pid: number, ticksPerSecond: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
  } catch {
    return 0;
  }
}

function ticksPerSecond(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
}

/**
 * Measures where the machine's CPU went between start() and stop(), from /proc. Processes that
 * appear in between (a connection pool growing) count from 0; the groups are read at both ends.
 */
export function cpuMeter(groups: ProcessGroups) {
  const ticks = ticksPerSecond();
  let began = 0;
  let before = new Map<number, number>();
  const read = (pids: Iterable<number>) => new Map([...pids].map((pid) => [pid, cpuSecondsOf(pid, ticks)]));
  return {
    async start(): Promise<void> {
      before = read(Object.values(await groups()).flat());
      began = performance.now();
    },
    async stop(): Promise<CpuShare> {
      const seconds = (performance.now() - began) / 1000;
      const percentOfOneCore: Record<string, number> = {};
      for (const [name, pids] of Object.entries(await groups())) {
        const used = [...read(pids)].reduce((sum, [pid, now]) => sum + Math.max(0, now - (before.get(pid) ?? 0)), 0);
        percentOfOneCore[name] = round1((100 * used) / Math.max(0.001, seconds));
      }
      return { seconds: round1(seconds), cores: cpus().length, percentOfOneCore };
    },
  };
}
