/**
 * Loaded by the launcher into every app it starts (`node --import`). An app whose launcher has gone without
 * stopping it would run on, holding its port, with no one to stop it or restart it, and the next `pnpm start` would
 * find the port taken. It stops itself as the launcher would have stopped it: SIGTERM, then, should stopping hang
 * (the broker it would say goodbye to was inside the launcher), exit 10 s later.
 */
import { onParentGone } from './orphans.js';

onParentGone(() => {
  process.kill(process.pid, 'SIGTERM');
  setTimeout(() => process.exit(1), 10_000).unref();
}).unref();
