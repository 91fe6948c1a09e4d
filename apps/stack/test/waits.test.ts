import { describe, expect, it } from 'vitest';
import { placementWaitsText, tallyPlacementWaits, type SampledPlacement } from '../bench/waits.js';

const PLACE = 'SELECT placed_id, placed_outcome, placed_at FROM place_orders($1::jsonb)';
const INGEST = 'WITH orders_before AS (SELECT …) UPDATE balances …';
const running: SampledPlacement = { waitType: null, wait: null, blockers: [] };
const flushing: SampledPlacement = { waitType: 'IO', wait: 'WalSync', blockers: [] };
const writing: SampledPlacement = { waitType: 'LWLock', wait: 'WALWrite', blockers: [] };
const behindIngestion: SampledPlacement = { waitType: 'Lock', wait: 'transactionid', blockers: [INGEST] };
const behindPlacement: SampledPlacement = { waitType: 'Lock', wait: 'transactionid', blockers: [INGEST, PLACE] };
const reading: SampledPlacement = { waitType: 'IO', wait: 'DataFileRead', blockers: [] };

describe('the bench’s sampling of what placements wait for', () => {
  it('splits the placements’ time by what each sampled one was doing, behind whom it waited', () => {
    const waits = tallyPlacementWaits([
      [running, behindIngestion],
      [flushing, behindIngestion, behindPlacement],
      [],
      [writing, reading, behindIngestion],
    ]);
    expect(waits.samples).toBe(4);
    expect(waits.atOnce).toBe(2);
    expect(waits.running).toBe(1 / 8);
    expect(waits.writingWal).toBe(2 / 8);
    expect(waits.lockedByOther).toBe(3 / 8);
    expect(waits.lockedByPlacement).toBe(1 / 8);
    expect(waits.other).toBe(1 / 8);
    expect(placementWaitsText(waits, 'in a test')).toBe(
      'recording orders (place_orders), sampled from pg_stat_activity in a test (4 samples): 2.00 calls at once on ' +
        'average; of their time 13% running, 25% writing the WAL (their commits), 38% waiting for row locks another ' +
        "transaction holds (ingestion settling trades), 13% for another placement's, 13% other",
    );
  });

  it('has nothing to share out when it saw no placement', () => {
    expect(tallyPlacementWaits([[], []])).toMatchObject({ samples: 2, atOnce: 0, running: 0, lockedByOther: 0 });
    expect(tallyPlacementWaits([])).toMatchObject({ samples: 0, atOnce: 0 });
  });
});
