import { Module } from '@nestjs/common';
import { InstrumentRegistry } from './instrument-registry.js';
import { InstrumentsController } from './instruments.controller.js';
import { MarketDataService } from './market-data.service.js';
import { MarketsController } from './markets.controller.js';

@Module({
  controllers: [InstrumentsController, MarketsController],
  providers: [InstrumentRegistry, MarketDataService],
  exports: [InstrumentRegistry, MarketDataService],
})
export class MarketsModule {}
