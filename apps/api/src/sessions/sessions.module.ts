import { Module } from '@nestjs/common';
import { MessagingModule } from '../messaging/messaging.module.js';
import { CalendarController } from './calendar.controller.js';
import { ClosedDays } from './closed-days.js';
import { MarketHours } from './market-hours.js';
import { SessionCloser } from './session-closer.js';
import { SessionOpener } from './session-opener.js';
import { SessionsController } from './sessions.controller.js';
import { TradingCalendar } from './trading-calendar.js';

@Module({
  imports: [MessagingModule],
  controllers: [SessionsController, CalendarController],
  providers: [SessionCloser, SessionOpener, TradingCalendar, MarketHours, ClosedDays],
  exports: [MarketHours],
})
export class SessionsModule {}
