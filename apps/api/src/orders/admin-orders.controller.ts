import { Controller, Get, Inject, Param, Query, UseGuards } from '@nestjs/common';
import type { AdminOrderView } from '@bolsa/contracts';
import { AdminGuard, AuthGuard } from '../auth/auth.guard.js';
import { ApiError } from '../errors/api-error.js';
import { OrderStore } from './order-store.js';
import { OrderTimelineService, type TimelinePage } from './order-timeline.service.js';
import { rowToOrderView } from './order-view.js';

/** Any account's order and its history, for administrators answering a trader about it (support). */
@Controller('api/admin/orders')
@UseGuards(AuthGuard, AdminGuard)
export class AdminOrdersController {
  constructor(
    @Inject(OrderStore) private readonly store: OrderStore,
    @Inject(OrderTimelineService) private readonly timelines: OrderTimelineService,
  ) {}

  @Get(':id')
  async order(@Param('id') id: string): Promise<AdminOrderView> {
    const found = await this.store.findWithOwner(id);
    if (found === null) throw new ApiError('not_found', 'no such order');
    return {
      order: rowToOrderView(found),
      account: { accountId: found.account_id, name: found.owner_name, email: found.owner_email },
    };
  }

  @Get(':id/timeline')
  timeline(
    @Param('id') id: string,
    @Query('cursor') cursor?: string,
    @Query('limit') limit?: string,
  ): Promise<TimelinePage> {
    return this.timelines.page(null, id, cursor, limit);
  }
}
