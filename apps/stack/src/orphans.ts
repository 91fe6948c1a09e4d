import { isAlive, listProcesses, readProc } from './processes.js';

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
 * Processes a launcher of this build started and then left behind by dying (`kill -9`): those running one of
 * `started` (the app guard, the PostgreSQL reaper) whose parent is not a process running `launcher`. They are
 * stopping by themselves (an app within ~10 s, a reaper once PostgreSQL has), but until then they hold ports and
 * the data directory's lock. Linux only (reads /proc); elsewhere none are found.
 */
export function leftBehind(launcher: string, started: readonly string[]): number[] {
  return listProcesses()
    .filter(({ pid, parent }) => {
      const command = readProc(pid, 'cmdline');
      if (command === null || !started.some((script) => command.includes(script))) return false;
      return readProc(parent, 'cmdline')?.includes(launcher) !== true && isAlive(pid);
    })
    .map(({ pid }) => pid);
}
