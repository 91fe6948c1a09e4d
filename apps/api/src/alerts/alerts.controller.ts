import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Req, UseGuards } from '@nestjs/common';
import {
  CreatePriceAlertRequest,
  MAX_PRICE_ALERT_CHANGES_PER_MINUTE,
  parsePrice,
  type PriceAlertView,
} from '@bolsa/contracts';
import { z } from 'zod';
import { AuthGuard, callerOf, type AuthenticatedRequest } from '../auth/auth.guard.js';
import { WindowLimiter } from '../auth/window-limiter.js';
import { ApiError } from '../errors/api-error.js';
import { parseBody } from '../errors/parse-body.js';
import { InstrumentRegistry } from '../markets/instrument-registry.js';
import { PriceAlerts } from './price-alerts.js';

const AlertId = z.uuid();

/** A trader's price alerts: "tell me when PETR4 trades at 42,00 or above". */
@Controller('api/alerts')
@UseGuards(AuthGuard)
export class AlertsController {
  /**
   * Each creation and deletion that gets past validation takes a lock and writes: a program looping over them is
   * stopped here (refusals of bad input cost no query, and are not counted).
   */
  private readonly changes = new WindowLimiter(MAX_PRICE_ALERT_CHANGES_PER_MINUTE, 60_000);

  constructor(
    @Inject(PriceAlerts) private readonly alerts: PriceAlerts,
    @Inject(InstrumentRegistry) private readonly instruments: InstrumentRegistry,
  ) {}

  @Get()
  list(@Req() request: AuthenticatedRequest): Promise<PriceAlertView[]> {
    return this.alerts.list(callerOf(request).accountId);
  }

  @Post()
  @HttpCode(201)
  create(@Req() request: AuthenticatedRequest, @Body() body: unknown): Promise<PriceAlertView> {
    const { accountId } = callerOf(request);
    const wanted = parseBody(CreatePriceAlertRequest, body);
    const instrument = this.instruments.require(wanted.symbol);
    const price = parsePrice(wanted.price, instrument.tickSize);
    if (!price.ok) {
      throw ApiError.validation([{ field: 'price', code: price.error.code, message: `price ${price.error.message}` }]);
    }
    this.throttle(accountId);
    return this.alerts.create(accountId, {
      symbol: instrument.symbol,
      condition: wanted.condition,
      price: price.value,
    });
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@Req() request: AuthenticatedRequest, @Param('id') id: string): Promise<void> {
    const { accountId } = callerOf(request);
    if (!AlertId.safeParse(id).success) throw new ApiError('not_found', 'no such price alert');
    this.throttle(accountId);
    await this.alerts.delete(accountId, id);
  }

  /** Counts a creation or a deletion against the account's minute; past MAX_PRICE_ALERT_CHANGES_PER_MINUTE, 429. */
  private throttle(accountId: string): void {
    const wait = this.changes.admit(accountId);
    if (wait > 0) {
      throw new ApiError('rate_limited', `more than ${MAX_PRICE_ALERT_CHANGES_PER_MINUTE} alert changes a minute`, {
        limitPerMinute: MAX_PRICE_ALERT_CHANGES_PER_MINUTE,
        retryAfterSeconds: Math.ceil(wait / 1000),
      });
    }
  }
}
