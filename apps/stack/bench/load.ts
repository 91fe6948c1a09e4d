import { request as httpRequest, type IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
import { readEvents } from '@bolsa/contracts';
import { Pool } from 'undici';
import { cpuBetween, sampleCpu } from './cpu.js';
import type { TimedOrder } from './hops.js';
import { ascending } from './tail.js';

/**
 * The e2e bench's load: traders following their SSE order streams, and orders posted by a closed loop of clients
 * (throughput) or paced at a rate (latency). What it measures is reported by `e2e.ts`.
 */
const SYMBOLS = ['PETR4', 'VALE3', 'ITUB4', 'BBDC4', 'ABEV3'];

export interface Trader {
  readonly apiKey: string;
  readonly abort: AbortController;
}

/** When the first fill of each order that took liquidity arrived, from every trader's SSE order stream. */
export const takerFills = new Map<string, number>();
export let fillCount = 0;
export let reconnects = 0;

/**
 * Follows a trader's order stream as a browser would: when it ends, it resumes from the last event id. Read through
 * node:http rather than fetch: fetch's web streams cost the generator several times the CPU per event, on the
 * cores the platform needs (see `postJson` below).
 */
export function follow(api: string, trader: Trader): void {
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
 * many are unanswered, as many traders would: capped at BENCH_CONCURRENCY (64), as they were until 6a12323, its orders
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

/** `clients` clients posting orders, each as soon as its previous one is answered, for `duration` seconds. */
export async function closedLoop(
  api: string,
  traders: readonly Trader[],
  clients: number,
  duration: number,
): Promise<{ accepted: number; refused: number; refusals: Map<string, number>; seconds: number }> {
  let accepted = 0;
  let refused = 0;
  const refusals = new Map<string, number>();
  const started = performance.now();
  const until = started + duration * 1000;
  await Promise.all(
    Array.from({ length: clients }, async (_, worker) => {
      while (performance.now() < until) {
        const result = await post(api, traders[worker % traders.length]!);
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

/** What one paced run gave: its trades' POST → fill and its POSTs' answer times (ms, sorted), and its load. */
export interface PacedRun {
  readonly latencies: number[];
  readonly answers: number[];
  /** Each timed trade on the wall clock, as Kafka's timestamps are, for the hops. */
  readonly timed: TimedOrder[];
  readonly refusals: Map<string, number>;
  readonly sent: number;
  readonly late: number;
  readonly achieved: number;
  readonly seconds: number;
  readonly cpu: [string, number][];
  /** When it started, on the wall clock (ms). */
  readonly startedAt: number;
  /** How far the wall clock moved against the monotonic one meanwhile (ms). */
  readonly clockStep: number;
}

/** Orders sent at `rate` a second for `duration` seconds, each when due however many are still unanswered. */
export async function paced(
  api: string,
  traders: readonly Trader[],
  processes: number[],
  rate: number,
  duration: number,
): Promise<PacedRun> {
  const sent: { orderId: string; sentAt: number }[] = [];
  const answers: number[] = [];
  const refusals = new Map<string, number>();
  const interval = 1000 / rate;
  const total = Math.round(rate * duration);
  const cpuBefore = sampleCpu(processes);
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
      post(api, traders[i % traders.length]!).then((result) => {
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
  const seconds = (performance.now() - paceStart) / 1000;
  const clockStep = Date.now() - performance.now() - wallClockOffset;
  const cpu = cpuBetween(cpuBefore, sampleCpu(processes));
  // The fills still on their way when the last POST was answered.
  await drained();
  const timed: TimedOrder[] = sent
    .filter((entry) => takerFills.has(entry.orderId))
    .map((entry) => ({
      orderId: entry.orderId,
      sentAt: wallClockOffset + entry.sentAt,
      filledAt: wallClockOffset + takerFills.get(entry.orderId)!,
    }));
  return {
    latencies: ascending(timed.map((order) => order.filledAt - order.sentAt)),
    answers: ascending(answers),
    timed,
    refusals,
    sent: sent.length,
    late,
    achieved: total / seconds,
    seconds,
    cpu,
    startedAt: wallClockOffset + paceStart,
    clockStep,
  };
}

/** Waits until no fill has arrived for 2 s; returns how long the fills kept coming. */
export async function drained(): Promise<number> {
  const started = performance.now();
  for (let seen = -1; seen !== fillCount;) {
    seen = fillCount;
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
  return (performance.now() - started) / 1000 - 2;
}
