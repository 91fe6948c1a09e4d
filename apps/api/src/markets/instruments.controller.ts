import { Controller, Get, Inject } from '@nestjs/common';
import { toInstrumentView, type FeeSchedule, type InstrumentView } from '@bolsa/contracts';
import { API_CONFIG, type ApiConfig } from '../config.js';

/** What is traded here and what trading costs: public, so an order ticket can show both before login. */
@Controller('api')
export class InstrumentsController {
  private readonly views: InstrumentView[];
  private readonly fees: FeeSchedule;

  constructor(@Inject(API_CONFIG) config: ApiConfig) {
    this.views = config.instruments.map(toInstrumentView);
    this.fees = { makerBps: config.fees.makerBps, takerBps: config.fees.takerBps };
  }

  @Get('instruments')
  list(): InstrumentView[] {
    return this.views;
  }

  @Get('fees')
  feeSchedule(): FeeSchedule {
    return this.fees;
  }
}
