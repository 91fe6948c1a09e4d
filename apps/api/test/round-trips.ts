import type pg from 'pg';

/** What one connection's socket did: a write (with its bytes as text, to find statements by name) or a read. */
export type SocketStep = { readonly write: string } | { readonly read: true };

type Socket = NodeJS.WritableStream & NodeJS.ReadableStream;

/**
 * Records, for every connection `pool` lends out from now on, its socket's writes and reads, in order, until
 * `stop()`. pg writes each statement as it is sent, and an answer arrives as a read: a write after a read is a new
 * round trip.
 */
export function traceConnections(pool: pg.Pool): { traces: Map<pg.PoolClient, SocketStep[]>; stop(): void } {
  const traces = new Map<pg.PoolClient, SocketStep[]>();
  let active = true;
  const onAcquire = (client: pg.PoolClient) => {
    if (traces.has(client)) return;
    const steps: SocketStep[] = [];
    traces.set(client, steps);
    const stream = (client as unknown as { connection: { stream: Socket } }).connection.stream;
    const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (active) steps.push({ write: Buffer.isBuffer(chunk) ? chunk.toString('latin1') : String(chunk) });
      return write(chunk, ...rest);
    }) as typeof stream.write;
    // Ahead of pg's own listener, which may write the next statement while it handles this read.
    stream.prependListener('data', () => {
      if (active) steps.push({ read: true });
    });
  };
  pool.on('acquire', onAcquire);
  return {
    traces,
    stop: () => {
      active = false;
      pool.off('acquire', onAcquire);
    },
  };
}

/** How many times the client wrote after waiting for an answer, over `steps`. */
export function roundTrips(steps: readonly SocketStep[]): number {
  let trips = 0;
  let waiting = true;
  for (const step of steps) {
    if ('write' in step && waiting) trips++;
    waiting = 'read' in step;
  }
  return trips;
}

/**
 * The steps of the transaction in which a write names `statement`: from the BEGIN written before it to the read
 * that answers the COMMIT written after it.
 */
export function transactionNaming(traces: Map<pg.PoolClient, SocketStep[]>, statement: string): SocketStep[] {
  for (const steps of traces.values()) {
    const at = steps.findIndex((step) => 'write' in step && step.write.includes(statement));
    if (at < 0) continue;
    const begin = steps.findLastIndex((step, index) => index <= at && 'write' in step && step.write.includes('BEGIN'));
    const commit = steps.findIndex((step, index) => index > at && 'write' in step && step.write.includes('COMMIT'));
    const answered = steps.findIndex((step, index) => index > commit && 'read' in step);
    if (begin >= 0 && commit > at && answered > commit) return steps.slice(begin, answered + 1);
  }
  throw new Error(`no finished transaction names ${statement}`);
}
