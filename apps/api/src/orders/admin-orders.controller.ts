import { Controller, Get, Inject, Param, Query, UseGuards } from '@nestjs/common';
import { AccountView, type AdminOrderView, type OrderView } from '@bolsa/contracts';
import { AdminGuard, AuthGuard } from '../auth/auth.guard.js';
import { ApiError } from '../errors/api-error.js';
import { HistoryStore } from './history.store.js';
import { orderPage, type Page } from './order-pages.js';
import { OrderStore } from './order-store.js';
import { OrderTimelineService, type TimelinePage } from './order-timeline.service.js';
import { rowToOrderView } from './order-view.js';

/**
 * Any account's orders, and any order with its history, for administrators answering a trader about them
 * (support).
 */
@Controller('api/admin/orders')
@UseGuards(AuthGuard, AdminGuard)
export class AdminOrdersController {
  constructor(
    @Inject(OrderStore) private readonly store: OrderStore,
    @Inject(OrderTimelineService) private readonly timelines: OrderTimelineService,
    @Inject(HistoryStore) private readonly history: HistoryStore,
  ) {}

  /** One account's orders, newest first, with the filters and pages `GET /api/me/orders` takes. */
  @Get()
  orders(
    @Query('accountId') accountId?: string,
    @Query('status') status?: string,
    @Query('symbol') symbol?: string,
    @Query('cursor') cursor?: string,
    @Query('limit') limit?: string,
  ): Promise<Page<OrderView>> {
    if (!AccountView.shape.accountId.safeParse(accountId).success) {
      const message = 'accountId must be an account id (a UUID)';
      throw ApiError.validation([{ field: 'accountId', code: 'invalid', message }]);
    }
    return orderPage(this.history, accountId!, { status, symbol, cursor, limit });
  }

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
