import { Inject, Injectable } from '@nestjs/common';
import type { Instrument } from '@bolsa/contracts';
import { API_CONFIG, type ApiConfig } from '../config.js';
import { ApiError } from '../errors/api-error.js';

@Injectable()
export class InstrumentRegistry {
  private readonly bySymbol: ReadonlyMap<string, Instrument>;

  constructor(@Inject(API_CONFIG) config: ApiConfig) {
    this.bySymbol = new Map(config.instruments.map((instrument) => [instrument.symbol, instrument]));
  }

  /** Every instrument traded here, in the configured order. */
  list(): Instrument[] {
    return [...this.bySymbol.values()];
  }

  /** The instrument, or a 404 `unknown_symbol` naming the field. */
  require(symbol: string, field = 'symbol'): Instrument {
    const instrument = this.bySymbol.get(symbol);
    if (instrument === undefined) {
      throw new ApiError('unknown_symbol', `no instrument ${symbol} is traded here`, {
        fields: [{ field, code: 'unknown_symbol', message: `${field} ${symbol} is not traded here` }],
      });
    }
    return instrument;
  }
}
