import { readFileSync } from 'node:fs';

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
