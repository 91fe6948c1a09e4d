import { readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { readEvents } from '@bolsa/contracts';
import { Pool } from 'undici';
import { cpuBetween, sampleCpu } from './cpu.js';
import { hopsOf, readKafkaTimes, type TimedOrder } from './hops.js';
import { launchStack } from './launch.js';
import { collectionInside, readMetrics, timeInside } from './metrics.js';
import { walPosition } from './wal.js';
import { placementWaitsText, samplePlacementWaits, type PlacementWaits } from './waits.js';

/**
 * `pnpm bench:e2e`: load against the whole stack over HTTP. Boots the embedded stack on free ports (or uses
 * BENCH_API_URL), then:
 *  0. warm-up — the throughput phase's load for WARMUP_SECONDS, not counted: a freshly started Node process spends
 *     its first seconds compiling hot code (the serving API took ~450 µs of CPU per order in its first 12,000
 *     orders and ~270 µs after), and "sustained" means after that;
 *  1. throughput — CONCURRENCY keep-alive clients post crossing limit orders as fast as they are answered for
 *     THROUGHPUT_SECONDS; reports accepted orders/s and trades/s (fills seen on the traders' SSE streams);
 *  2. latency — orders paced at RATE/s for LATENCY_SECONDS; each trade is timed from the POST of the order that
 *     took liquidity (the second of the pair to reach the book) to that order's fill arriving on its owner's SSE
 *     order stream; reports p50/p99. A resting order's own wait for a counterparty is the flow's, not the
 *     platform's, so it is not counted.
 * It then shows where the paced phase's time went: between the processes, from the Kafka timestamps of each order's
 * command and events (`hops.ts`), and inside them, from their own histograms (`metrics.ts`).
 */
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 64);
const WARMUP_SECONDS = Number(process.env['BENCH_WARMUP_SECONDS'] ?? 10);
const THROUGHPUT_SECONDS = Number(process.env['BENCH_THROUGHPUT_SECONDS'] ?? 15);
const RATE = Number(process.env['BENCH_RATE'] ?? 2000);
const LATENCY_SECONDS = Number(process.env['BENCH_LATENCY_SECONDS'] ?? 10);
const TRADERS = Number(process.env['BENCH_TRADERS'] ?? 16);
const SYMBOLS = ['PETR4', 'VALE3', 'ITUB4', 'BBDC4', 'ABEV3'];

async function startStack(): Promise<{
  api: string;
  engineMetrics: string;
  /** Where its WAL per order is read from: the stack's own database, or `BENCH_DATABASE_URL`. */
  databaseUrl: string | undefined;
  /** Processes whose CPU the bench accounts for: itself, and the stack when it started it. */
  processes: number[];
  /** How the embedded broker syncs its log, when the bench started it. */
  brokerFsync: string;
  /** Where the stack's Kafka is, for the hops' timestamps: its own, or `BENCH_KAFKA_BROKERS`. */
  kafkaBrokers: string[];
  stop(): Promise<void>;
}> {
  const external = process.env['BENCH_API_URL'];
  if (external !== undefined) {
    return {
      api: external,
      engineMetrics: process.env['BENCH_ENGINE_METRICS_URL'] ?? '',
      databaseUrl: process.env['BENCH_DATABASE_URL'],
      processes: [process.pid, ...stackPid(process.env['BENCH_STACK_PID'])],
      brokerFsync: 'not known (a stack started apart)',
      kafkaBrokers: brokerList(process.env['BENCH_KAFKA_BROKERS']),
      stop: async () => undefined,
    };
  }
  // Enough demo money that no bench trader runs out of cash or shares however the orders fall.
  const stack = await launchStack({ STARTING_CASH: '1000000000.00', STARTING_SHARES: '100000000' });
  return {
    api: stack.api,
    engineMetrics: `http://127.0.0.1:${stack.engineMetricsPort}/metrics`,
    databaseUrl: stack.databaseUrl,
    processes: [process.pid, stack.pid],
    brokerFsync: /fsync (\w+)\)/.exec(stack.output())?.[1] ?? 'not known',
    // The launcher uses KAFKA_BROKERS, when set, instead of its embedded broker.
    kafkaBrokers: brokerList(process.env['KAFKA_BROKERS'] ?? `127.0.0.1:${stack.kafkaPort}`),
    stop: () => stack.stop(),
  };
}

/** A stack started apart is accounted for with its launcher's pid; without one only the bench's own CPU is known. */
function stackPid(given: string | undefined): number[] {
  if (given === undefined) return [];
  const pid = Number(given);
  if (!Number.isInteger(pid) || pid <= 1) throw new Error(`BENCH_STACK_PID must be a process id, not "${given}"`);
  return [pid];
}

function brokerList(brokers: string | undefined): string[] {
  return (brokers ?? '').split(',').filter((broker) => broker !== '');
}

/**
 * When the kernel starts writing dirty pages back, as it says. It decides the tail at 2,000 orders/s here: with the
 * default (10% of memory), the pages written during the throughput phase go back in one burst ~30 s later, and
 * PostgreSQL's commits wait on it (see the README).
 */
function dirtyBackground(): string {
  const read = (name: string) => {
    try {
      return Number(readFileSync(`/proc/sys/vm/${name}`, 'utf8'));
    } catch {
      return 0;
    }
  };
  const bytes = read('dirty_background_bytes');
  return bytes > 0 ? `${Math.round(bytes / 1048576)} MB` : `${read('dirty_background_ratio')}% of memory`;
}

/**
 * Whether Linux shares the CPU between sessions before processes (autogroup): every PostgreSQL backend is a session,
 * and so is each of the launcher's apps since 6ee648c; before, the apps shared one session's share.
 */
function autogroup(): string {
  try {
    return readFileSync('/proc/sys/kernel/sched_autogroup_enabled', 'utf8').trim() === '1' ? 'on' : 'off';
  } catch {
    return 'not known';
  }
}

interface Trader {
  readonly apiKey: string;
  readonly abort: AbortController;
}

/** When the first fill of each order that took liquidity arrived, from every trader's SSE order stream. */
const takerFills = new Map<string, number>();
let fillCount = 0;
let reconnects = 0;

/**
 * Follows a trader's order stream as a browser would: when it ends, it resumes from the last event id. Read through
 * node:http rather than fetch: fetch's web streams cost the generator several times the CPU per event, on the
 * cores the platform needs (see `postJson` below).
 */
function follow(api: string, trader: Trader): void {
  void (async () => {
    let lastEventId: string | undefined;
    while (!trader.abort.signal.aborted) {
      try {
        const response = await getStream(
          new URL('/api/stream/orders', api),
          {
            authorization: `Bearer ${trader.apiKey}`,
            ...(lastEventId === undefined ? {} : { 'last-event-id': lastEventId }),
          },
          trader.abort.signal,
        );
        await readEvents(
          response,
          (event) => {
            if (event.id !== undefined) lastEventId = event.id;
            if (event.event !== 'fill') return;
            fillCount++;
            const { orderId, role } = event.data as { orderId: string; role: 'maker' | 'taker' };
            if (role === 'taker' && !takerFills.has(orderId)) takerFills.set(orderId, performance.now());
          },
          (id) => (lastEventId = id),
        );
      } catch {
        // aborted at the end, or the stream broke: resume below
      }
      if (trader.abort.signal.aborted) return;
      reconnects++;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
}

/** A GET whose body is read as it arrives (an SSE stream), on a connection of its own. */
function getStream(url: URL, headers: Record<string, string>, signal: AbortSignal): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { headers, signal }, (response) => {
      if (response.statusCode === 200) resolve(response);
      else reject(new Error(`stream answered ${response.statusCode}`));
    });
    request.on('error', reject);
    request.end();
  });
}

let sequence = 0;
/** Crossing flow: for each symbol, a sell then a buy at the same price, so every second order trades. */
function nextOrder(): { symbol: string; side: 'buy' | 'sell'; type: 'limit'; price: string; quantity: string } {
  const n = sequence++;
  const symbol = SYMBOLS[Math.floor(n / 2) % SYMBOLS.length]!;
  return { symbol, side: n % 2 === 0 ? 'sell' : 'buy', type: 'limit', price: '35.00', quantity: '10' };
}

/**
 * Orders go out through undici's `Pool` on keep-alive connections, the lightest HTTP client there is for Node: the
 * load generator shares the machine's two cores with the platform, and what it spends is taken from the platform's
 * figures. Per request it spent about half of node:http's CPU in a throwaway probe against a bare server (24–26
 * against 50–54 µs), and node:http about a third of fetch's. The paced phase sends each order when it is due however
 * many are unanswered, as many traders would: capped at CONCURRENCY (64), as they were until 6a12323, its orders
 * queued in the generator once answers took longer than 64 / rate (32 ms at 2,000/s), and the generator's own queue
 * was timed. The cap left binds only past half a second an answer at 2,000/s, where the platform is long
 * overloaded, and keeps both ends' open files far below their limit.
 */
const pools = new Map<string, Pool>();

async function postJson(
  api: string,
  path: string,
  apiKey: string,
  body: string,
): Promise<{ status: number; body: string }> {
  let pool = pools.get(api);
  if (pool === undefined) pools.set(api, (pool = new Pool(api, { connections: 1024 })));
  const response = await pool.request({
    path,
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body,
  });
  return { status: response.statusCode, body: await response.body.text() };
}

async function post(
  api: string,
  trader: Trader,
): Promise<{ ok: boolean; orderId?: string; refusal: string; sentAt: number; answeredAt: number }> {
  const sentAt = performance.now();
  const response = await postJson(api, '/api/orders', trader.apiKey, JSON.stringify(nextOrder()));
  const body = JSON.parse(response.body) as { orderId?: string; code?: string };
  return {
    ok: response.status === 202,
    ...(body.orderId === undefined ? {} : { orderId: body.orderId }),
    refusal: `${response.status} ${body.code ?? ''}`.trim(),
    sentAt,
    answeredAt: performance.now(),
  };
}

/**
 * The CPU each process used per accepted order in a phase. Compare the two phases: below saturation each process
 * handles smaller batches (a fetch, a transaction, a socket write for fewer orders), so an order costs more CPU.
 */
function reportCpu(phase: string, cpu: [string, number][], accepted: number, seconds: number): void {
  if (cpu.length === 0 || accepted === 0) return;
  const total = cpu.reduce((sum, [, used]) => sum + used, 0);
  const perOrder = cpu.map(([name, used]) => `${name} ${((used / accepted) * 1000).toFixed(2)} ms`).join(', ');
  console.log(
    `CPU ${phase}: ${Math.round((total / seconds) * 100)}% of one core across the processes ` +
      `(${cpus().length} cores), ${((total / accepted) * 1000).toFixed(2)} ms per accepted order: ${perOrder}`,
  );
}

/** "422 insufficient_funds ×12, 429 …" for the refusals counted by answer. */
function refusalList(refusals: ReadonlyMap<string, number>): string {
  return [...refusals].map(([refusal, count]) => `${refusal} ×${count}`).join(', ');
}

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? Number.NaN;
}

/**
 * The paced phase's POST → fill split where Kafka's timestamps fall: the API sending the order's command, the
 * engine sending the events of its trade. Each hop's percentiles are its own, so they do not add up to the total's.
 */
async function reportHops(brokers: readonly string[], since: number, timed: readonly TimedOrder[]): Promise<void> {
  if (timed.length === 0) return;
  if (brokers.length === 0) {
    console.log('hops not known: give the Kafka of a stack started apart in BENCH_KAFKA_BROKERS');
    return;
  }
  const times = await readKafkaTimes(brokers, since, new Set(timed.map((order) => order.orderId)));
  const hops = hopsOf(timed, times);
  const figures = (sorted: number[]) =>
    `p50 ${percentile(sorted, 0.5).toFixed(1)} ms, p99 ${percentile(sorted, 0.99).toFixed(1)} ms`;
  console.log(
    `hops of the paced phase (${hops.toFill.length} trades, Kafka's message timestamps): POST → the API sends the ` +
      `order's command ${figures(hops.toCommand)}; → the engine sends its trade's events ${figures(hops.toEvents)}; ` +
      `→ the fill on SSE (stored in PostgreSQL first) ${figures(hops.toFill)}`,
  );
}

/** CONCURRENCY clients posting orders, each as soon as its previous one is answered, for `duration` seconds. */
async function closedLoop(
  api: string,
  traders: readonly Trader[],
  duration: number,
): Promise<{ accepted: number; refused: number; refusals: Map<string, number>; seconds: number }> {
  let accepted = 0;
  let refused = 0;
  const refusals = new Map<string, number>();
  const started = performance.now();
  const until = started + duration * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, worker) => {
      while (performance.now() < until) {
        const result = await post(api, traders[worker % TRADERS]!);
        if (result.ok) accepted++;
        else {
          refused++;
          refusals.set(result.refusal, (refusals.get(result.refusal) ?? 0) + 1);
        }
      }
    }),
  );
  return { accepted, refused, refusals, seconds: (performance.now() - started) / 1000 };
}

/** Waits until no fill has arrived for 2 s; returns how long the fills kept coming. */
async function drained(): Promise<number> {
  const started = performance.now();
  for (let seen = -1; seen !== fillCount;) {
    seen = fillCount;
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
  return (performance.now() - started) / 1000 - 2;
}

async function main(): Promise<void> {
  const stack = await startStack();
  const { api } = stack;
  try {
    const traders: Trader[] = [];
    for (let i = 0; i < TRADERS; i++) {
      const created = (await (
        await fetch(`${api}/api/accounts`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            name: `bench-${i}`,
            email: `bench-${i}-${Date.now()}@example.test`,
            password: 'bench password 1',
          }),
        })
      ).json()) as { apiKey: string };
      const trader = { apiKey: created.apiKey, abort: new AbortController() };
      traders.push(trader);
      follow(api, trader);
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
    console.log(
      `e2e bench: node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, stack at ${api}, ` +
        `kernel writeback starts at ${dirtyBackground()} dirty, autogroup scheduling ${autogroup()}, ` +
        `embedded broker fsync ${stack.brokerFsync}`,
    );

    // What recording orders waits for, sampled in the warm-up's second half (the same load as the throughput phase),
    // so that the sampling's own queries cost the measured phases nothing.
    let placementWaits: PlacementWaits | null = null;
    if (WARMUP_SECONDS > 0) {
      const sampling = samplePlacementWaits(stack.databaseUrl, {
        afterSeconds: WARMUP_SECONDS / 2,
        forSeconds: Math.max(0, WARMUP_SECONDS / 2 - 0.5),
      });
      await closedLoop(api, traders, WARMUP_SECONDS);
      placementWaits = await sampling;
      await drained();
    }

    // Phase 1: throughput.
    const fillsBefore = fillCount;
    const walBefore = await walPosition(stack.databaseUrl);
    const cpuBefore = sampleCpu(stack.processes);
    const {
      accepted,
      refused,
      refusals: throughputRefusals,
      seconds,
    } = await closedLoop(api, traders, THROUGHPUT_SECONDS);
    const cpu = cpuBetween(cpuBefore, sampleCpu(stack.processes));
    const walAfter = await walPosition(stack.databaseUrl);
    const trades = (fillCount - fillsBefore) / 2;
    // Let the pipeline catch up before timing single orders.
    const drainSeconds = await drained();
    console.log(
      `throughput after ${WARMUP_SECONDS} s of warm-up: ${Math.round(accepted / seconds)} accepted orders/s ` +
        `(${accepted} in ${seconds.toFixed(1)} s, ${refused} refused, ` +
        `${CONCURRENCY} clients); ${Math.round(trades / seconds)} trades/s reached SSE while orders flowed, and the ` +
        `rest of the backlog drained in ${drainSeconds.toFixed(1)} s`,
    );

    reportCpu('while orders flowed', cpu, accepted, seconds);
    if (walBefore !== null && walAfter !== null && accepted > 0) {
      const perOrder = Number(walAfter - walBefore) / accepted / 1024;
      console.log(`PostgreSQL wrote ${perOrder.toFixed(2)} KB of WAL per accepted order while orders flowed`);
    }
    if (placementWaits !== null && placementWaits.samples > 0) {
      console.log(placementWaitsText(placementWaits, `in the warm-up's last ${WARMUP_SECONDS / 2} s, the same load`));
    }

    // Phase 2: latency at a fixed rate.
    const sent: { orderId: string; sentAt: number }[] = [];
    const answers: number[] = [];
    const refusals = new Map<string, number>();
    const interval = 1000 / RATE;
    const total = RATE * LATENCY_SECONDS;
    const metricsBefore = await readMetrics(api, stack.engineMetrics);
    const pacedCpuBefore = sampleCpu(stack.processes);
    const paceStart = performance.now();
    // Kafka's timestamps are the producers' Date.now(). The monotonic clock is tied to it here, not at the process's
    // start: a virtual machine's wall clock can be stepped meanwhile (seen: 6 s over one run, every hop then off by it).
    const wallClockOffset = Date.now() - paceStart;
    const inFlight: Promise<void>[] = [];
    let late = 0;
    for (let i = 0; i < total; i++) {
      const due = paceStart + i * interval;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      else if (wait < -50) late++;
      inFlight.push(
        post(api, traders[i % TRADERS]!).then((result) => {
          if (result.ok && result.orderId !== undefined) {
            answers.push(result.answeredAt - result.sentAt);
            sent.push({ orderId: result.orderId, sentAt: result.sentAt });
          } else {
            refusals.set(result.refusal, (refusals.get(result.refusal) ?? 0) + 1);
          }
        }),
      );
    }
    await Promise.all(inFlight);
    const pacedSeconds = (performance.now() - paceStart) / 1000;
    const clockStep = Date.now() - performance.now() - wallClockOffset;
    const pacedCpu = cpuBetween(pacedCpuBefore, sampleCpu(stack.processes));
    const achieved = total / pacedSeconds;
    await new Promise((resolve) => setTimeout(resolve, 5000));
    const metricsAfter = await readMetrics(api, stack.engineMetrics);
    // Each timed trade on the wall clock, as Kafka's timestamps are, for the hops below.
    const timed: TimedOrder[] = sent
      .filter((entry) => takerFills.has(entry.orderId))
      .map((entry) => ({
        orderId: entry.orderId,
        sentAt: wallClockOffset + entry.sentAt,
        filledAt: wallClockOffset + takerFills.get(entry.orderId)!,
      }));
    const latencies = timed.map((order) => order.filledAt - order.sentAt).sort((a, b) => a - b);
    console.log(
      `latency at ${RATE} orders/s (achieved ${Math.round(achieved)}/s, ${late} sends >50 ms late): POST of the ` +
        `order that took liquidity → its fill on SSE p50 ${percentile(latencies, 0.5).toFixed(1)} ms, p99 ` +
        `${percentile(latencies, 0.99).toFixed(1)} ms (${latencies.length} trades of ${sent.length} orders sent; ` +
        `${reconnects} stream reconnects during the run); the POST of an accepted order answered in p50 ` +
        `${percentile(
          answers.sort((a, b) => a - b),
          0.5,
        ).toFixed(1)} ms, p99 ${percentile(answers, 0.99).toFixed(1)} ms`,
    );
    reportCpu(`while orders were paced at ${RATE}/s`, pacedCpu, sent.length, pacedSeconds);
    if (Math.abs(clockStep) > 5) {
      console.log(`the wall clock moved ${clockStep.toFixed(0)} ms against the monotonic one during the paced phase`);
    }
    await reportHops(stack.kafkaBrokers, wallClockOffset + paceStart, timed);
    for (const [phase, refused] of [
      ['throughput', throughputRefusals],
      ['latency', refusals],
    ] as const) {
      if (refused.size === 0) continue;
      console.log(
        `note: orders refused in the ${phase} phase, not counted (${refusalList(refused)}); a stack given in ` +
          'BENCH_API_URL needs STARTING_CASH and STARTING_SHARES as large as the ones the bench gives its own',
      );
    }
    if (THROUGHPUT_SECONDS > 0 && RATE > (0.95 * accepted) / seconds) {
      console.log(
        `note: ${RATE} orders/s is more than this machine sustained in the throughput phase ` +
          `(${Math.round(accepted / seconds)}/s), so the latency above is mostly orders queueing; BENCH_RATE sets the rate`,
      );
    }

    console.log(
      `where the paced phase's time goes, by the processes' own histograms: ${timeInside(metricsBefore, metricsAfter)}`,
    );
    console.log(`garbage collection in the paced phase: ${collectionInside(metricsBefore, metricsAfter)}`);
  } catch (error) {
    // Said before the stack stops: the exit below would otherwise leave a failed run silent and successful.
    console.error('e2e bench failed:', error);
    process.exitCode = 1;
  } finally {
    await stack.stop();
    process.exit();
  }
}

void main();
