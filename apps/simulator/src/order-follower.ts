import { setTimeout as sleep } from 'node:timers/promises';
import { DONE_STATUSES, OrderEventView, readEvents } from '@bolsa/contracts';

const RECONNECT_MS = 1000;
/** How long `start` waits for the stream to say where it stands before the bots trade anyway. */
const CONNECT_WAIT_MS = 5000;

/**
 * Follows one account's own orders on `/api/stream/orders`, as a market maker watches its quotes, and tells
 * `onEnded` of each order that ends (filled, cancelled, expired or rejected). After a dropped connection (the API
 * restarting) it reconnects with its Last-Event-ID, so what happened meanwhile is replayed, not missed.
 */
export class OrderFollower {
  private lastEventId: string | null = null;
  private readonly aborts = new AbortController();
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly streamUrl: string,
    private readonly apiKey: string,
    private readonly onEnded: (orderId: string) => void,
  ) {}

  /** Connects; resolves once the stream has said where it stands (every later order is seen), or after 5 s. */
  async start(): Promise<void> {
    let connected = (): void => undefined;
    const standing = new Promise<void>((resolve) => (connected = resolve));
    this.running = this.follow(connected);
    await Promise.race([standing, pause(CONNECT_WAIT_MS, this.aborts.signal)]);
  }

  async stop(): Promise<void> {
    this.aborts.abort();
    await this.running;
  }

  private async follow(connected: () => void): Promise<void> {
    const { signal } = this.aborts;
    while (!signal.aborted) {
      try {
        const headers: Record<string, string> = { authorization: `Bearer ${this.apiKey}` };
        if (this.lastEventId !== null) headers['last-event-id'] = this.lastEventId;
        const response = await fetch(this.streamUrl, { headers, signal });
        if (response.ok && response.body !== null) {
          await readEvents(
            response.body as AsyncIterable<Uint8Array>,
            (event) => {
              if (event.id !== undefined) this.lastEventId = event.id;
              if (event.event !== 'order') return;
              const order = OrderEventView.safeParse(event.data);
              if (order.success && DONE_STATUSES.includes(order.data.status)) this.onEnded(order.data.orderId);
            },
            (id) => {
              this.lastEventId = id;
              connected();
            },
          );
        } else {
          await response.body?.cancel();
        }
      } catch {
        // The API restarting, or this follower stopping: the loop tries again or ends.
      }
      await pause(RECONNECT_MS, signal);
    }
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. */
const pause = (ms: number, signal: AbortSignal): Promise<void> =>
  sleep(ms, undefined, { signal }).catch(() => undefined);
