import { readdirSync, readFileSync } from 'node:fs';

/** CPU seconds used so far by each process of a tree, named by what it is. Linux only (reads /proc). */
export type CpuSample = Map<number, { readonly name: string; readonly seconds: number }>;

const TICKS_PER_SECOND = 100;

function read(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

function nameOf(pid: number): string {
  const command = (read(`/proc/${pid}/cmdline`) ?? '').split('\0').join(' ');
  if (command.startsWith('postgres') || command.includes('/bin/postgres')) return 'PostgreSQL';
  if (command.includes('matching-engine')) return 'engine';
  if (command.includes('apps/api/')) {
    const consumes = (read(`/proc/${pid}/environ`) ?? '').split('\0').includes('EVENTS_CONSUMER=on');
    return consumes ? 'ingesting API' : 'serving API';
  }
  if (command.includes('next')) return 'web';
  // The launcher, and the process it starts to stop PostgreSQL should it die.
  if (command.includes('apps/stack/dist/src/')) return 'launcher and embedded broker';
  return 'load generator and others';
}

/** The processes under `roots` (themselves included) and their CPU time; empty where /proc is not there. */
export function sampleCpu(roots: readonly number[]): CpuSample {
  const sample: CpuSample = new Map();
  let pids: number[];
  try {
    pids = readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry))
      .map(Number);
  } catch {
    return sample;
  }
  const parents = new Map<number, number>();
  const ticks = new Map<number, number>();
  for (const pid of pids) {
    const stat = read(`/proc/${pid}/stat`);
    if (stat === null) continue;
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    parents.set(pid, Number(fields[1]));
    ticks.set(pid, Number(fields[11]) + Number(fields[12]));
  }
  const inTree = (pid: number): boolean => {
    for (let at: number | undefined = pid; at !== undefined && at > 1; at = parents.get(at)) {
      if (roots.includes(at)) return true;
    }
    return false;
  };
  for (const [pid, used] of ticks) {
    if (inTree(pid)) sample.set(pid, { name: nameOf(pid), seconds: used / TICKS_PER_SECOND });
  }
  return sample;
}

/** CPU used between two samples, by process name, most first. */
export function cpuBetween(before: CpuSample, after: CpuSample): [string, number][] {
  const used = new Map<string, number>();
  for (const [pid, { name, seconds }] of after) {
    used.set(name, (used.get(name) ?? 0) + seconds - (before.get(pid)?.seconds ?? 0));
  }
  return [...used].sort((a, b) => b[1] - a[1]);
}
