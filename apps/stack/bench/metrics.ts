/** The API's and the engine's /metrics at one moment (empty text where not known). */
export interface MetricsReading {
  readonly api: string;
  readonly engine: string;
}

export async function readMetrics(apiUrl: string, engineMetricsUrl: string): Promise<MetricsReading> {
  const text = async (url: string) => (url === '' ? '' : (await fetch(url)).text());
  return { api: await text(`${apiUrl}/metrics`), engine: await text(engineMetricsUrl) };
}

/** The sum of a metric's samples whose line matches `filter` (a counter, or a histogram's _sum or _count). */
export function sampleSum(text: string, name: string, filter: RegExp = /.*/): number {
  return text
    .split('\n')
    .filter((line) => (line.startsWith(`${name} `) || line.startsWith(`${name}{`)) && filter.test(line))
    .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
}

/** How much `sampleSum` grew between two readings. */
export function sampleDelta(before: string, after: string, name: string, filter: RegExp = /.*/): number {
  return sampleSum(after, name, filter) - sampleSum(before, name, filter);
}

/** What happened to a histogram between two readings: how many observations, and their mean (NaN if none). */
export function histogramBetween(
  before: string,
  after: string,
  name: string,
  filter: RegExp = /.*/,
): { count: number; mean: number } {
  const count = sampleDelta(before, after, `${name}_count`, filter);
  return { count, mean: count > 0 ? sampleDelta(before, after, `${name}_sum`, filter) / count : Number.NaN };
}

/** Seconds as the bench prints a time: "12.3 ms", or "not known" for a mean of nothing. */
const ms = (seconds: number) => (Number.isNaN(seconds) ? 'not known' : `${(seconds * 1000).toFixed(1)} ms`);

/**
 * Where the paced phase's time went inside the processes, by their own histograms: the POST's handling, the grouped
 * placements (`place_orders`), ingestion's transactions (an event waits for the one in flight, then its own) and
 * the matching of a command.
 */
export function timeInside(before: MetricsReading, after: MetricsReading): string {
  const post = histogramBetween(
    before.api,
    after.api,
    'api_http_request_duration_seconds',
    /route="\/api\/orders",status="202"/,
  );
  const placing = histogramBetween(
    before.api,
    after.api,
    'api_db_operation_duration_seconds',
    /operation="place_order"/,
  );
  const storing = histogramBetween(
    before.api,
    after.api,
    'api_db_operation_duration_seconds',
    /operation="ingest_batch"/,
  );
  const events = sampleDelta(before.api, after.api, 'api_engine_events_ingested_total');
  const matching = histogramBetween(before.engine, after.engine, 'engine_match_duration_seconds');
  const placed = sampleDelta(before.api, after.api, 'api_orders_accepted_total');
  const parts = [`POST /api/orders handled in ${ms(post.mean)} on average${orderEntrySteps(before.api, after.api)}`];
  if (placing.count > 0) {
    parts.push(
      `recording orders with their holds ${ms(placing.mean)} a call (${placing.count} calls, ` +
        `${(placed / placing.count).toFixed(1)} orders each)`,
    );
  }
  parts.push(
    storing.count > 0
      ? `storing engine events ${ms(storing.mean)} a transaction (${storing.count}, ` +
          `${(events / storing.count).toFixed(0)} events each)`
      : 'storing engine events not known (stored by another process)',
  );
  parts.push(
    after.engine === ''
      ? 'matching not known (BENCH_ENGINE_METRICS_URL not given)'
      : `matching ${(matching.mean * 1e6).toFixed(1)} µs a command in the engine`,
  );
  return parts.join('; ');
}

/**
 * What an accepted order's POST waited for, on average (empty when the API does not say): being recorded and its
 * command being published, each with its time queued behind the batch in flight; and the sends themselves.
 */
function orderEntrySteps(before: string, after: string): string {
  const step = (name: string) =>
    histogramBetween(before, after, 'api_order_entry_step_seconds', new RegExp(`step="${name}"`));
  const recording = step('recording');
  const publishing = step('publishing');
  if (recording.count === 0 || publishing.count === 0) return '';
  const sends = histogramBetween(before, after, 'api_command_send_duration_seconds');
  const commands = sampleDelta(before, after, 'api_commands_sent_total');
  const sent =
    sends.count > 0 ? `; a send of ${(commands / sends.count).toFixed(1)} commands took ${ms(sends.mean)}` : '';
  return ` (of which recording the order ${ms(recording.mean)} and publishing its command ${ms(publishing.mean)}${sent})`;
}

/**
 * The garbage collection each service did between two readings (prom-client's `nodejs_gc_duration_seconds`, by
 * kind), and per order accepted meanwhile: a cost no profile of the code shows in one place.
 */
export function collectionInside(before: MetricsReading, after: MetricsReading): string {
  const orders = sampleDelta(before.api, after.api, 'api_orders_accepted_total');
  const service = (name: string, prefix: string, earlier: string, later: string): string => {
    if (later === '') return `${name} not known`;
    const metric = `${prefix}_nodejs_gc_duration_seconds`;
    const seconds = sampleDelta(earlier, later, `${metric}_sum`);
    const counted = (kind: string, what: string) => {
      const count = sampleDelta(earlier, later, `${metric}_count`, new RegExp(`kind="${kind}"`));
      return `${count} ${what}${count === 1 ? '' : 's'}`;
    };
    const perOrder = orders > 0 ? `, ${((seconds / orders) * 1e6).toFixed(1)} µs an order` : '';
    return (
      `${name} ${(seconds * 1000).toFixed(0)} ms (${counted('minor', 'scavenge')}, ` +
      `${counted('major', 'full collection')})${perOrder}`
    );
  };
  return `${service('API', 'api', before.api, after.api)}; ${service('engine', 'engine', before.engine, after.engine)}`;
}
