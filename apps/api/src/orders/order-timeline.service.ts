import { Inject, Injectable } from '@nestjs/common';
import type { OrderTimelineEntry } from '@bolsa/contracts';
import { ApiError } from '../errors/api-error.js';
import { decodeCursor, encodeCursor, pageLimit } from '../errors/query-params.js';
import { eventStep, fillStep, timelinePage } from './order-timeline.js';
import { OrderStore } from './order-store.js';
import { OrderTimelineStore } from './order-timeline.store.js';

export interface TimelinePage {
  items: OrderTimelineEntry[];
  nextCursor: string | null;
}

/** `GET /api/orders/:id/timeline`: an order's life, step by step, oldest first, a page at a time. */
@Injectable()
export class OrderTimelineService {
  constructor(
    @Inject(OrderTimelineStore) private readonly store: OrderTimelineStore,
    @Inject(OrderStore) private readonly orders: OrderStore,
  ) {}

  /** `accountId` null: any account's order (for administrators). */
  async page(
    accountId: string | null,
    orderId: string,
    cursor: string | undefined,
    limitText: string | undefined,
  ): Promise<TimelinePage> {
    const limit = pageLimit(limitText);
    const position = decodeCursor(cursor, ['integer']);
    const order =
      accountId === null ? await this.orders.findWithOwner(orderId) : await this.orders.find(accountId, orderId);
    if (order === null) throw new ApiError('not_found', 'no such order');
    const after = position === undefined ? 0 : Number(position[0]);
    // The query leaves out the events eventStep has no step for, so each source below holds every row it read.
    const events = await this.store.events(orderId, after, limit + 1);
    // The order's first event (accepted, or rejected) comes before its fills: on the first page they start there.
    const fillsAfter = position === undefined ? events[0]?.sequence : after;
    const fills =
      fillsAfter === undefined
        ? []
        : await this.store.fills(orderId, order.symbol, fillsAfter, order.last_sequence, limit + 1);
    const received: OrderTimelineEntry[] =
      position === undefined ? [{ kind: 'received', sequence: 0, at: order.created_at.toISOString() }] : [];
    const steps = events.map(eventStep).filter((step) => step !== null);
    const page = timelinePage([received, steps, fills.map(fillStep)], limit);
    return {
      items: page.items,
      nextCursor: page.lastSequence === null ? null : encodeCursor([String(page.lastSequence)]),
    };
  }
}
