// Loaded with `node --require` into the Prisma CLI. Its wasm schema engine races each step against a timeout (10 s for
// the advisory lock of `migrate deploy`, 60 s more in `migrate dev`) through setTimeout and never clears the timer,
// so the CLI sat idle that long after its work was done. Those timeouts are unref'd here: they still fire if their
// step is still running (a pending query holds the process open), but no longer keep a finished CLI alive.
// Only long timers set from the engine are touched; anything shorter could be a pause the engine waits on.
'use strict';

const ENGINE_TIMEOUT_MS = 5000;
const setTimer = globalThis.setTimeout;

globalThis.setTimeout = Object.assign(function setTimeout(callback, delay, ...args) {
  const timer = setTimer(callback, delay, ...args);
  if (delay >= ENGINE_TIMEOUT_MS && /wasm:\/\//.test(new Error().stack ?? '')) timer.unref();
  return timer;
}, setTimer);
