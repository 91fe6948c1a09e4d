import { listProcesses, readProc } from '../src/processes.js';

/** CPU seconds used so far by each process of a tree, named by what it is. Linux only (reads /proc). */
export type CpuSample = Map<number, { readonly name: string; readonly seconds: number }>;

const TICKS_PER_SECOND = 100;

function nameOf(pid: number): string {
  const command = (readProc(pid, 'cmdline') ?? '').split('\0').join(' ');
  if (command.startsWith('postgres') || command.includes('/bin/postgres')) return 'PostgreSQL';
  if (command.includes('matching-engine')) return 'engine';
  if (command.includes('apps/api/')) {
    const consumes = (readProc(pid, 'environ') ?? '').split('\0').includes('EVENTS_CONSUMER=on');
    return consumes ? 'ingesting API' : 'serving API';
  }
  if (command.includes('apps/web/')) return 'web';
  // The launcher, and the process it starts to stop PostgreSQL should it die.
  if (command.includes('apps/stack/dist/src/')) return 'launcher and embedded broker';
  return 'load generator and others';
}

/** The processes under `roots` (themselves included) and their CPU time; empty where /proc is not there. */
export function sampleCpu(roots: readonly number[]): CpuSample {
  const sample: CpuSample = new Map();
  const processes = listProcesses();
  const parents = new Map(processes.map(({ pid, parent }) => [pid, parent]));
  const inTree = (pid: number): boolean => {
    for (let at: number | undefined = pid; at !== undefined && at > 1; at = parents.get(at)) {
      if (roots.includes(at)) return true;
    }
    return false;
  };
  for (const { pid, cpuTicks } of processes) {
    if (inTree(pid)) sample.set(pid, { name: nameOf(pid), seconds: cpuTicks / TICKS_PER_SECOND });
  }
  // Without an API process that only serves, the one storing the events serves clients too.
  const entries = [...sample.values()];
  if (!entries.some(({ name }) => name === 'serving API')) {
    for (const [pid, entry] of sample) if (entry.name === 'ingesting API') sample.set(pid, { ...entry, name: 'API' });
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

/** What `cpuBetween` gave, summed over the processes: CPU seconds in all. */
export function totalCpu(used: readonly [string, number][]): number {
  return used.reduce((sum, [, seconds]) => sum + seconds, 0);
}
