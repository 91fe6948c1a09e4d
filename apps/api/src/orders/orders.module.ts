import { Module } from '@nestjs/common';
import { MarketsModule } from '../markets/markets.module.js';
import { MessagingModule } from '../messaging/messaging.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { AdminOrdersController } from './admin-orders.controller.js';
import { HistoryController } from './history.controller.js';
import { HistoryStore } from './history.store.js';
import { OrderResender } from './order-resender.js';
import { OrderStore } from './order-store.js';
import { OrderTimelineService } from './order-timeline.service.js';
import { OrderTimelineStore } from './order-timeline.store.js';
import { OrdersController } from './orders.controller.js';
import { OrdersService } from './orders.service.js';

@Module({
  imports: [MarketsModule, MessagingModule, SessionsModule],
  controllers: [OrdersController, HistoryController, AdminOrdersController],
  providers: [OrdersService, OrderStore, HistoryStore, OrderResender, OrderTimelineService, OrderTimelineStore],
})
export class OrdersModule {}
