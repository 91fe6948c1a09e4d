import { Controller, Get, Inject } from '@nestjs/common';
import { toInstrumentView, type InstrumentView } from '@bolsa/contracts';
import { API_CONFIG, type ApiConfig } from '../config.js';

@Controller('api/instruments')
export class InstrumentsController {
  private readonly views: InstrumentView[];

  constructor(@Inject(API_CONFIG) config: ApiConfig) {
    this.views = config.instruments.map(toInstrumentView);
  }

  @Get()
  list(): InstrumentView[] {
    return this.views;
  }
}
