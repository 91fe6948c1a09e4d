import { Module } from '@nestjs/common';
import { ApiKeyGuard } from '../auth/api-key.guard.js';
import { MarketsModule } from '../markets/markets.module.js';
import { MessagingModule } from '../messaging/messaging.module.js';
import { OrdersController } from './orders.controller.js';
import { OrdersService } from './orders.service.js';

@Module({
  imports: [MarketsModule, MessagingModule],
  controllers: [OrdersController],
  providers: [OrdersService, ApiKeyGuard],
})
export class OrdersModule {}
