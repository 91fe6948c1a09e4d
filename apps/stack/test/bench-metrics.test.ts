import { describe, expect, it } from 'vitest';
import { collectionInside, histogramBetween, sampleSum, timeInside } from '../bench/metrics.js';

const reading = (posts: [number, number], places: [number, number], stores: [number, number], events: number) => `
# HELP api_http_request_duration_seconds HTTP request duration
api_http_request_duration_seconds_bucket{le="0.01",method="POST",route="/api/orders",status="202"} ${posts[0]}
api_http_request_duration_seconds_sum{method="POST",route="/api/orders",status="202"} ${posts[1]}
api_http_request_duration_seconds_count{method="POST",route="/api/orders",status="202"} ${posts[0]}
api_http_request_duration_seconds_sum{method="POST",route="/api/orders",status="422"} 9
api_http_request_duration_seconds_count{method="POST",route="/api/orders",status="422"} 3
api_db_operation_duration_seconds_sum{operation="place_order"} ${places[1]}
api_db_operation_duration_seconds_count{operation="place_order"} ${places[0]}
api_db_operation_duration_seconds_sum{operation="ingest_batch"} ${stores[1]}
api_db_operation_duration_seconds_count{operation="ingest_batch"} ${stores[0]}
api_engine_events_ingested_total ${events}
api_engine_events_ingested_total_extra 1000
api_orders_accepted_total{symbol="PETR4"} ${posts[0] / 2}
api_orders_accepted_total{symbol="VALE3"} ${posts[0] / 2}
`;

describe('the bench’s reading of /metrics', () => {
  it('sums a metric’s samples by name and labels, not those of metrics whose names it begins', () => {
    const text = reading([100, 2], [10, 0.5], [4, 0.2], 350);
    expect(sampleSum(text, 'api_engine_events_ingested_total')).toBe(350);
    expect(sampleSum(text, 'api_orders_accepted_total')).toBe(100);
    expect(sampleSum(text, 'api_http_request_duration_seconds_count', /status="202"/)).toBe(100);
  });

  it('tells what a phase added to a histogram, and NaN for a mean of nothing', () => {
    const before = reading([100, 2], [10, 0.5], [4, 0.2], 350);
    const after = reading([300, 6], [30, 1.5], [4, 0.2], 350);
    expect(histogramBetween(before, after, 'api_db_operation_duration_seconds', /place_order/)).toEqual({
      count: 20,
      mean: 0.05,
    });
    expect(histogramBetween(before, after, 'api_db_operation_duration_seconds', /ingest_batch/).mean).toBeNaN();
  });

  it('says where the phase’s time went, and what it cannot know', () => {
    const before = { api: reading([100, 2], [10, 0.5], [4, 0.2], 350), engine: '' };
    const after = { api: reading([300, 6], [30, 1.5], [14, 1.2], 1350), engine: '' };
    expect(timeInside(before, after)).toBe(
      'POST /api/orders handled in 20.0 ms on average; recording orders with their holds 50.0 ms a call (20 calls, ' +
        '10.0 orders each); storing engine events 100.0 ms a transaction (10, 100 events each); matching not known ' +
        '(BENCH_ENGINE_METRICS_URL not given)',
    );
  });

  it('splits the POST into recording the order and publishing its command, when the API counts them', () => {
    const steps = (recording: [number, number], publishing: [number, number], sends: [number, number, number]) => `
api_order_entry_step_seconds_sum{step="recording"} ${recording[1]}
api_order_entry_step_seconds_count{step="recording"} ${recording[0]}
api_order_entry_step_seconds_sum{step="publishing"} ${publishing[1]}
api_order_entry_step_seconds_count{step="publishing"} ${publishing[0]}
api_command_send_duration_seconds_sum ${sends[1]}
api_command_send_duration_seconds_count ${sends[0]}
api_commands_sent_total{type="place_order"} ${sends[2] - 5}
api_commands_sent_total{type="cancel_order"} 5
`;
    const before = {
      api: reading([100, 2], [10, 0.5], [4, 0.2], 350) + steps([100, 1], [100, 0.5], [10, 0.02, 105]),
      engine: '',
    };
    const after = {
      api: reading([300, 6], [30, 1.5], [14, 1.2], 1350) + steps([300, 3.4], [300, 1.5], [30, 0.1, 305]),
      engine: '',
    };
    expect(timeInside(before, after)).toMatch(
      /^POST \/api\/orders handled in 20\.0 ms on average \(of which recording the order 12\.0 ms and publishing its command 5\.0 ms; a send of 10\.0 commands took 4\.0 ms\); recording/,
    );
    // An API from before these metrics: the POST as a whole only.
    const older = (reading: { api: string; engine: string }) => ({
      ...reading,
      api: reading.api.split('\napi_order_entry')[0]!,
    });
    expect(timeInside(older(before), older(after))).toMatch(
      /^POST \/api\/orders handled in 20\.0 ms on average; recording/,
    );
  });

  it('tells each service’s garbage collection in the phase by kind, and per order accepted', () => {
    const gc = (prefix: string, minor: [number, number], major: [number, number]) => `
${prefix}_nodejs_gc_duration_seconds_sum{kind="minor"} ${minor[1]}
${prefix}_nodejs_gc_duration_seconds_count{kind="minor"} ${minor[0]}
${prefix}_nodejs_gc_duration_seconds_sum{kind="major"} ${major[1]}
${prefix}_nodejs_gc_duration_seconds_count{kind="major"} ${major[0]}
${prefix}_nodejs_gc_duration_seconds_sum{kind="incremental"} ${major[1] / 2}
${prefix}_nodejs_gc_duration_seconds_count{kind="incremental"} ${major[0]}
`;
    const before = {
      api: reading([100, 2], [10, 0.5], [4, 0.2], 350) + gc('api', [50, 0.2], [1, 0.01]),
      engine: gc('engine', [10, 0.05], [3, 0.03]),
    };
    const after = {
      api: reading([2100, 6], [30, 1.5], [14, 1.2], 1350) + gc('api', [150, 0.6], [1, 0.01]),
      engine: gc('engine', [30, 0.11], [43, 0.43]),
    };
    expect(collectionInside(before, after)).toBe(
      'API 400 ms (100 scavenges, 0 full collections), 200.0 µs an order; ' +
        'engine 660 ms (20 scavenges, 40 full collections), 330.0 µs an order',
    );
    expect(collectionInside({ ...before, engine: '' }, { ...after, engine: '' })).toMatch(/; engine not known$/);
  });
});
