import { Module } from '@nestjs/common';
import { MarketsModule } from '../markets/markets.module.js';
import { AlertsController } from './alerts.controller.js';
import { PriceAlerts } from './price-alerts.js';

@Module({
  imports: [MarketsModule],
  controllers: [AlertsController],
  providers: [PriceAlerts],
  exports: [PriceAlerts],
})
export class AlertsModule {}
