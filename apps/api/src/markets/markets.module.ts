import { Module } from '@nestjs/common';
import { MessagingModule } from '../messaging/messaging.module.js';
import { HaltsController } from './halts.controller.js';
import { InstrumentRegistry } from './instrument-registry.js';
import { InstrumentsController } from './instruments.controller.js';
import { MarketDataService } from './market-data.service.js';
import { MarketsController } from './markets.controller.js';
import { TradingHalts } from './trading-halts.js';

@Module({
  imports: [MessagingModule],
  controllers: [InstrumentsController, MarketsController, HaltsController],
  providers: [InstrumentRegistry, MarketDataService, TradingHalts],
  exports: [InstrumentRegistry, MarketDataService, TradingHalts],
})
export class MarketsModule {}
