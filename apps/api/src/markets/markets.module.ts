import { Module } from '@nestjs/common';
import { MessagingModule } from '../messaging/messaging.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { HaltsController } from './halts.controller.js';
import { InstrumentRegistry } from './instrument-registry.js';
import { InstrumentsController } from './instruments.controller.js';
import { MarketDataService } from './market-data.service.js';
import { MarketsController } from './markets.controller.js';
import { ReopeningCalls } from './reopening-calls.js';
import { ReopeningOpener } from './reopening-opener.js';
import { TradingHalts } from './trading-halts.js';

@Module({
  imports: [MessagingModule, SessionsModule],
  controllers: [InstrumentsController, MarketsController, HaltsController],
  providers: [InstrumentRegistry, MarketDataService, TradingHalts, ReopeningCalls, ReopeningOpener],
  exports: [InstrumentRegistry, MarketDataService, TradingHalts, ReopeningCalls],
})
export class MarketsModule {}
