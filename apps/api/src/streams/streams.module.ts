import { Module } from '@nestjs/common';
import { AlertsModule } from '../alerts/alerts.module.js';
import { EventsModule } from '../events/events.module.js';
import { MarketsModule } from '../markets/markets.module.js';
import { WalletsModule } from '../wallets/wallets.module.js';
import { StreamsController } from './streams.controller.js';
import { StreamsService } from './streams.service.js';

@Module({
  imports: [AlertsModule, EventsModule, MarketsModule, WalletsModule],
  controllers: [StreamsController],
  providers: [StreamsService],
})
export class StreamsModule {}
