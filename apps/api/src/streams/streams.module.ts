import { Module } from '@nestjs/common';
import { ApiKeyGuard } from '../auth/api-key.guard.js';
import { EventsModule } from '../events/events.module.js';
import { MarketsModule } from '../markets/markets.module.js';
import { StreamsController } from './streams.controller.js';
import { StreamsService } from './streams.service.js';

@Module({
  imports: [EventsModule, MarketsModule],
  controllers: [StreamsController],
  providers: [StreamsService, ApiKeyGuard],
})
export class StreamsModule {}
