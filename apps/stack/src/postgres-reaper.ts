/**
 * Started by the launcher beside the embedded PostgreSQL:
 *
 *   node postgres-reaper.js --postmaster <pid> [--remove <disposable data directory>]
 *
 * A launcher that ends without stopping the stack (killed outright, crashed) leaves PostgreSQL running, holding its
 * port and its data directory's lock with no one to stop it (the apps stop themselves: `app-guard.ts`). Then this
 * stops it (SIGINT: a fast shutdown, as the launcher's own stop) and removes the data directory if it was
 * disposable. It exits once PostgreSQL has stopped, however that came about.
 */
import { rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { onParentGone } from './orphans.js';
import { isAlive } from './processes.js';

const { values } = parseArgs({ options: { postmaster: { type: 'string' }, remove: { type: 'string' } } });
const postmaster = Number(values.postmaster);
if (!Number.isInteger(postmaster) || postmaster <= 0) {
  console.error('usage: postgres-reaper --postmaster <pid> [--remove <dir>]');
  process.exit(2);
}

// Ctrl-C and a closed terminal signal the launcher's whole process group: the launcher stops PostgreSQL then, and
// should it die while doing so, this finishes the job.
for (const signal of ['SIGINT', 'SIGHUP'] as const) process.on(signal, () => undefined);

let orphaned = false;
onParentGone(() => {
  orphaned = true;
  if (isAlive(postmaster)) process.kill(postmaster, 'SIGINT');
});
setInterval(() => {
  if (isAlive(postmaster)) return;
  if (orphaned && values.remove !== undefined) {
    rmSync(values.remove, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  }
  process.exit(0);
}, 500);
