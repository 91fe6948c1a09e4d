import { askDatabase } from './wal.js';

/**
 * What recording orders waits for. Each `place_orders` call holds its traders' cash or shares, which takes their
 * balance rows' locks; an ingesting transaction takes the same rows to settle trades and keeps them to its commit.
 * Sampling `pg_stat_activity` shows how much of a placement's time goes to those waits rather than to its own work.
 */

/** A backend running `place_orders` as sampled: what it waits for (null: running) and whose statements it waits behind. */
export interface SampledPlacement {
  readonly waitType: string | null;
  readonly wait: string | null;
  /** The statements of the backends it waits behind (`pg_blocking_pids`). */
  readonly blockers: readonly string[];
}

/** Where placements' time went: shares (0–1) of the time backends spent in `place_orders`. */
export interface PlacementWaits {
  readonly samples: number;
  /** How many backends ran `place_orders` at once, on average. */
  readonly atOnce: number;
  readonly running: number;
  /** Waiting for the write-ahead log to be written or flushed: their own commits, mostly. */
  readonly writingWal: number;
  /** Waiting for a row lock another placement holds. */
  readonly lockedByPlacement: number;
  /** Waiting for a row lock another transaction holds: ingestion's, settling trades, in the bench's flow. */
  readonly lockedByOther: number;
  readonly other: number;
}

const PLACEMENT = 'place_orders(';

const SAMPLE_SQL = `
  SELECT a.wait_event_type AS "waitType", a.wait_event AS wait,
         COALESCE((SELECT array_agg(b.query) FROM pg_stat_activity b WHERE b.pid = ANY (pg_blocking_pids(a.pid))),
                  '{}') AS blockers
    FROM pg_stat_activity a
   WHERE a.state = 'active' AND a.pid <> pg_backend_pid() AND strpos(a.query, '${PLACEMENT}') > 0`;

const writesWal = ({ waitType, wait }: SampledPlacement): boolean =>
  (waitType === 'IO' && wait !== null && wait.startsWith('Wal')) ||
  (waitType === 'LWLock' && (wait === 'WALWrite' || wait === 'WALInsert'));

/** Tallies samples (each the placements seen at one moment) into shares of the placements' time. */
export function tallyPlacementWaits(samples: readonly (readonly SampledPlacement[])[]): PlacementWaits {
  const counts = { running: 0, writingWal: 0, lockedByPlacement: 0, lockedByOther: 0, other: 0 };
  let seen = 0;
  for (const sample of samples) {
    for (const backend of sample) {
      seen++;
      if (backend.waitType === null) counts.running++;
      else if (writesWal(backend)) counts.writingWal++;
      else if (backend.waitType === 'Lock') {
        if (backend.blockers.some((query) => query.includes(PLACEMENT))) counts.lockedByPlacement++;
        else counts.lockedByOther++;
      } else counts.other++;
    }
  }
  const share = (count: number) => (seen === 0 ? 0 : count / seen);
  return {
    samples: samples.length,
    atOnce: samples.length === 0 ? 0 : seen / samples.length,
    running: share(counts.running),
    writingWal: share(counts.writingWal),
    lockedByPlacement: share(counts.lockedByPlacement),
    lockedByOther: share(counts.lockedByOther),
    other: share(counts.other),
  };
}

export function placementWaitsText(waits: PlacementWaits, when: string): string {
  const percent = (share: number) => `${Math.round(share * 100)}%`;
  return (
    `recording orders (place_orders), sampled from pg_stat_activity ${when} (${waits.samples} samples): ` +
    `${waits.atOnce.toFixed(2)} calls at once on average; of their time ${percent(waits.running)} running, ` +
    `${percent(waits.writingWal)} writing the WAL (their commits), ${percent(waits.lockedByOther)} waiting for ` +
    `row locks another transaction holds (ingestion settling trades), ${percent(waits.lockedByPlacement)} for ` +
    `another placement's, ${percent(waits.other)} other`
  );
}

/**
 * Samples the placements every `everyMs` for `forSeconds`, starting `afterSeconds` from now. Null when the database
 * cannot be asked (no URL, or it refused).
 */
export function samplePlacementWaits(
  databaseUrl: string | undefined,
  { afterSeconds, forSeconds, everyMs = 20 }: { afterSeconds: number; forSeconds: number; everyMs?: number },
): Promise<PlacementWaits | null> {
  return askDatabase(databaseUrl, async (client) => {
    await new Promise((resolve) => setTimeout(resolve, afterSeconds * 1000));
    const samples: SampledPlacement[][] = [];
    for (const until = Date.now() + forSeconds * 1000; Date.now() < until;) {
      samples.push((await client.query<SampledPlacement>(SAMPLE_SQL)).rows);
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
    return tallyPlacementWaits(samples);
  });
}
