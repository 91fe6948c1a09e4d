import { readdirSync, readFileSync } from 'node:fs';

/**
 * What the launcher's processes do when the launcher ends without stopping them (killed outright, out of memory,
 * crashed). Nothing tells a process that its parent has died; Linux gives the orphan a new parent, so a change
 * of `process.ppid` is the sign, looked at every `everyMs`.
 */
export function onParentGone(whenGone: () => void, everyMs = 500): NodeJS.Timeout {
  const parent = process.ppid;
  const watch = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(watch);
    whenGone();
  }, everyMs);
  return watch;
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
  try {
    return !/^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true; // no /proc (not Linux): kill() is all there is to go by
  }
}

function readProc(pid: number | string, file: string): string | null {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return null;
  }
}

/**
 * Processes a launcher of this build started and then left behind by dying (`kill -9`): those running one of
 * `started` (the app guard, the PostgreSQL reaper) whose parent is not a process running `launcher`. They are
 * stopping by themselves (an app within ~10 s, a reaper once PostgreSQL has), but until then they hold ports and
 * the data directory's lock. Linux only (reads /proc); elsewhere none are found.
 */
export function leftBehind(launcher: string, started: readonly string[]): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const pids: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const command = readProc(entry, 'cmdline');
    if (command === null || !started.some((script) => command.includes(script))) continue;
    const stat = readProc(entry, 'stat');
    if (stat === null) continue;
    const parent = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1];
    if (parent === undefined || readProc(parent, 'cmdline')?.includes(launcher) === true) continue;
    if (isAlive(Number(entry))) pids.push(Number(entry));
  }
  return pids;
}
