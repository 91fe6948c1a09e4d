import { describe, expect, it } from 'vitest';
import { tradingTitle } from './page-title';
import { tickerWith } from './ticker-fixture';

describe('tradingTitle', () => {
  it('names the instrument, its last price and its change', () => {
    expect(tradingTitle('PETR4', tickerWith({ last: '37.93', changePercent: '0.18' }))).toBe(
      'PETR4 37,93 +0,18\u00a0% · Bolsa',
    );
    expect(tradingTitle('VALE3', tickerWith({ last: '1234.50', changePercent: '-2.05' }))).toBe(
      'VALE3 1.234,50 -2,05\u00a0% · Bolsa',
    );
  });

  it('leaves out what is not known yet', () => {
    expect(tradingTitle('PETR4', null)).toBe('PETR4 · Bolsa');
    expect(tradingTitle('PETR4', tickerWith({}))).toBe('PETR4 · Bolsa');
    expect(tradingTitle('PETR4', tickerWith({ last: '37.93' }))).toBe('PETR4 37,93 · Bolsa');
  });

  it('says when trading is suspended', () => {
    expect(tradingTitle('PETR4', tickerWith({ last: '37.93', changePercent: '0.00', halted: true }))).toBe(
      'PETR4 37,93 0,00\u00a0% (suspenso) · Bolsa',
    );
  });
});
