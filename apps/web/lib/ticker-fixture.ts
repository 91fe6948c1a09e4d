import type { TickerView } from '@bolsa/contracts';

/** A ticker for tests: an instrument with no trade yet, with the fields given. */
export function tickerWith(fields: Partial<TickerView> = {}): TickerView {
  return {
    symbol: 'PETR4',
    last: null,
    previousClose: null,
    open: null,
    change: null,
    changePercent: null,
    high: null,
    low: null,
    volume: '0',
    trades: 0,
    halted: false,
    ...fields,
  };
}
