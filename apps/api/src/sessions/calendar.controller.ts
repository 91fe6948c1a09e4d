import { Controller, Get, Inject } from '@nestjs/common';
import type { TradingCalendarView } from '@bolsa/contracts';
import { TradingCalendar } from './trading-calendar.js';

/** When trading days close: public, so an order ticket can say when a DAY order expires. */
@Controller('api')
export class CalendarController {
  constructor(@Inject(TradingCalendar) private readonly calendar: TradingCalendar) {}

  @Get('calendar')
  view(): Promise<TradingCalendarView> {
    return this.calendar.view();
  }
}
