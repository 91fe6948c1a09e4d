import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Req, UseGuards } from '@nestjs/common';
import { CreatePriceAlertRequest, parsePrice, type PriceAlertView } from '@bolsa/contracts';
import { z } from 'zod';
import { AuthGuard, callerOf, type AuthenticatedRequest } from '../auth/auth.guard.js';
import { ApiError } from '../errors/api-error.js';
import { parseBody } from '../errors/parse-body.js';
import { InstrumentRegistry } from '../markets/instrument-registry.js';
import { PriceAlerts } from './price-alerts.js';

const AlertId = z.uuid();

/** A trader's price alerts: "tell me when PETR4 trades at 42,00 or above". */
@Controller('api/alerts')
@UseGuards(AuthGuard)
export class AlertsController {
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
    const wanted = parseBody(CreatePriceAlertRequest, body);
    const instrument = this.instruments.require(wanted.symbol);
    const price = parsePrice(wanted.price, instrument.tickSize);
    if (!price.ok) {
      throw ApiError.validation([{ field: 'price', code: price.error.code, message: `price ${price.error.message}` }]);
    }
    return this.alerts.create(callerOf(request).accountId, {
      symbol: instrument.symbol,
      condition: wanted.condition,
      price: price.value,
    });
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@Req() request: AuthenticatedRequest, @Param('id') id: string): Promise<void> {
    if (!AlertId.safeParse(id).success) throw new ApiError('not_found', 'no such price alert');
    await this.alerts.delete(callerOf(request).accountId, id);
  }
}
