import { readdirSync, readFileSync } from 'node:fs';

/** One process as /proc shows it. */
export interface ProcessEntry {
  readonly pid: number;
  readonly parent: number;
  /** User plus system CPU time so far, in clock ticks (1/100 s). */
  readonly cpuTicks: number;
}

/** A file of /proc/<pid>, or null when the process has gone (or there is no /proc). */
export function readProc(pid: number | string, file: string): string | null {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return null;
  }
}

/** Every process there is now, from /proc; none where there is no /proc (not Linux). */
export function listProcesses(): ProcessEntry[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const processes: ProcessEntry[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProc(entry, 'stat');
    if (stat === null) continue;
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    processes.push({
      pid: Number(entry),
      parent: Number(fields[1]),
      cpuTicks: Number(fields[11]) + Number(fields[12]),
    });
  }
  return processes;
}

/**
 * Whether a process with this pid is running (EPERM: one is, run by another user, as PostgreSQL is under root). A
 * process that has ended but whose parent has not yet collected it (a zombie) is not.
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const stat = readProc(pid, 'stat');
  // No /proc (not Linux): kill() is all there is to go by.
  return stat === null || !/^\d+ \(.*\) Z/s.test(stat);
}
