/**
 * V8's heap settings for the two busy services, the matching engine and the API, wherever they run: this launcher
 * passes them, and so do their Dockerfiles' CMD and their packages' `start` scripts (test/ops.test.ts holds those
 * to this list). Measured with `pnpm bench:e2e` and the services' own `nodejs_gc_duration_seconds` (see the README):
 *
 * - `--initial-old-space-size=128`: under load the engine ran a full (mark-compact) collection every ~200 ms, 4–17 ms
 *   each, with ~15 MB of its heap alive: V8 sizes the old generation's limit from what survived the last one (~38
 *   MB here) and began marking far below even that (`--trace-incremental-marking`: "Start (task)" at 14 of 38 MB),
 *   most likely pushed by short-lived buffers (socket reads, kafkajs's encoders: writing its varints in place cut
 *   the collections by a fifth). Starting the old generation at 128 MB, none ran during the bench; the engine's CPU
 *   per order fell by 14–33%, and its resident set after 20 s of load rose from ~127 to ~207 MB.
 * - `--max-semi-space-size=32`: the API allocates ~125 KB per order, most of it gone within a request; a young
 *   generation twice the default's size collects it half as often, each collection copying the same survivors.
 */
export const SERVICE_NODE_FLAGS: readonly string[] = ['--initial-old-space-size=128', '--max-semi-space-size=32'];
