import { DEFAULT_INSTRUMENTS, toInstrumentView } from '@bolsa/contracts';
import { describe, expect, it } from 'vitest';
import { B3_CALENDAR } from './calendar-fixture';
import {
  checkTicket,
  estimate,
  firesAtOnce,
  instrumentOf,
  maxQuantity,
  protectionOf,
  requestOf,
  stepPrice,
  stepQuantity,
  unpricedBuyHold,
  type TicketForm,
} from './ticket';

const petr4 = instrumentOf(toInstrumentView(DEFAULT_INSTRUMENTS.find((i) => i.symbol === 'PETR4')!));
const form: TicketForm = {
  side: 'buy',
  type: 'limit',
  timeInForce: 'GTC',
  expiresOn: '',
  price: '35.10',
  stopPrice: '',
  trailingOffset: '',
  quantity: '100',
};

describe('the order ticket', () => {
  it('sends the day a GTD order is good till, and asks for one when none is picked', () => {
    const gtd = { ...form, timeInForce: 'GTD' as const };
    expect(checkTicket({ ...gtd, expiresOn: '2026-12-11' }, petr4)).toMatchObject({
      ok: true,
      request: { timeInForce: 'GTD', expiresOn: '2026-12-11' },
    });
    expect(checkTicket(gtd, petr4)).toEqual({ ok: false, errors: { expiresOn: 'Escolha até quando a ordem vale.' } });
    // The calendar's days: a Saturday is refused on the field, as the API would.
    expect(checkTicket({ ...gtd, expiresOn: '2026-12-12' }, petr4, B3_CALENDAR)).toEqual({
      ok: false,
      errors: { expiresOn: 'Não há pregão neste dia: escolha um dia útil.' },
    });
    // A day picked, then another validity: the day is not sent.
    const request = checkTicket({ ...form, expiresOn: '2026-12-11' }, petr4);
    expect(request.ok && 'expiresOn' in request.request).toBe(false);
  });

  it('refuses in the pre-opening auction what would only take at once, on its choice, and takes what rests', () => {
    const auction = {
      ...B3_CALENDAR,
      opensAt: '10:00',
      auctionMinutes: 15,
      auction: 'opening' as const,
      auctionEndsAt: '2026-12-07T13:00:00.000Z',
    };
    const refusal = 'Não vale em leilão: só ordens que ficam no livro até ele terminar.';
    expect(checkTicket({ ...form, type: 'market', price: '' }, petr4, auction)).toEqual({
      ok: false,
      errors: { type: refusal },
    });
    expect(checkTicket({ ...form, timeInForce: 'IOC' }, petr4, auction)).toEqual({
      ok: false,
      errors: { timeInForce: refusal },
    });
    expect(checkTicket(form, petr4, auction).ok).toBe(true);
    expect(checkTicket({ ...form, type: 'stop_market', price: '', stopPrice: '36.00' }, petr4, auction).ok).toBe(true);
    // Once it has opened, they go.
    expect(checkTicket({ ...form, timeInForce: 'IOC' }, petr4, B3_CALENDAR).ok).toBe(true);
  });

  it("refuses the same in the instrument's reopening after a halt, whatever the exchange's own session", () => {
    const reopensAt = '2026-12-07T18:15:00.000Z';
    const market = { ...form, type: 'market' as const, price: '' };
    expect(checkTicket(market, petr4, B3_CALENDAR, reopensAt)).toEqual({
      ok: false,
      errors: { type: 'Não vale em leilão: só ordens que ficam no livro até ele terminar.' },
    });
    expect(checkTicket(form, petr4, B3_CALENDAR, reopensAt).ok).toBe(true);
    expect(checkTicket(market, petr4, B3_CALENDAR, null).ok).toBe(true);
  });

  it('round-trips the instrument from its HTTP view', () => {
    expect(petr4).toEqual(DEFAULT_INSTRUMENTS.find((i) => i.symbol === 'PETR4'));
  });

  it('accepts a valid limit order (a comma works as the decimal mark) and sends only the fields it uses', () => {
    const check = checkTicket({ ...form, price: '35,10', stopPrice: '30.00' }, petr4);
    expect(check).toEqual({
      ok: true,
      request: { symbol: 'PETR4', side: 'buy', type: 'limit', timeInForce: 'GTC', price: '35.10', quantity: '100' },
    });
    const market = checkTicket({ ...form, type: 'market', price: '' }, petr4);
    expect(market.ok && market.request).toEqual({ symbol: 'PETR4', side: 'buy', type: 'market', quantity: '100' });
    // Grouped thousands, as a Brazilian writes them.
    expect(requestOf({ ...form, price: '1.035,10', quantity: '1.000' }, 'PETR4')).toMatchObject({
      price: '1035.10',
      quantity: '1000',
    });
  });

  it("sends a stop order's trailing distance, and only on stop orders", () => {
    const trailing = { ...form, type: 'stop_limit' as const, stopPrice: '34.00', trailingOffset: '0,50' };
    const check = checkTicket(trailing, petr4);
    expect(check.ok && check.request).toMatchObject({ stopPrice: '34.00', price: '35.10', trailingOffset: '0.50' });
    const limit = checkTicket({ ...trailing, type: 'limit' }, petr4);
    expect(limit.ok && limit.request).not.toHaveProperty('trailingOffset');
    expect(stepPrice('', 1, petr4, 'zero')).toBe('0,01');
    expect(stepPrice('0.50', 2, petr4, 'zero')).toBe('0,52');
  });

  it('tells when a stop would fire at once: the last trade already at or past it', () => {
    const stop = { ...form, type: 'stop_market' as const, stopPrice: '35.00' };
    expect(firesAtOnce(stop, 3_500)).toBe(true);
    expect(firesAtOnce(stop, 3_499)).toBe(false);
    expect(firesAtOnce({ ...stop, side: 'sell' }, 3_499)).toBe(true);
    expect(firesAtOnce({ ...stop, side: 'sell' }, 3_501)).toBe(false);
    expect(firesAtOnce(stop, null)).toBe(false);
    expect(firesAtOnce({ ...stop, type: 'limit' }, 3_600)).toBe(false);
  });

  it('names each field at fault with the rule it breaks', () => {
    const check = checkTicket({ ...form, price: '35.105', quantity: '0' }, petr4);
    expect(check.ok).toBe(false);
    if (!check.ok) {
      expect(Object.keys(check.errors).sort()).toEqual(['price', 'quantity']);
      expect(check.errors).toEqual({ price: 'Use no máximo 2 casas decimais.', quantity: 'Deve ser maior que zero.' });
    }
    const band = checkTicket({ ...form, price: '5000.00' }, petr4);
    expect(!band.ok && band.errors['price']).toBe('Deve estar entre 1,00 e 1.000,00.');
    const stop = checkTicket({ ...form, type: 'stop_limit' }, petr4);
    expect(!stop.ok && stop.errors['stopPrice']).toBe('Obrigatório para este tipo de ordem.');
    const trailing = checkTicket({ ...form, type: 'stop_limit', stopPrice: '34.00', trailingOffset: '0.505' }, petr4);
    expect(!trailing.ok && trailing.errors['trailingOffset']).toBe('Use no máximo 2 casas decimais.');
  });

  it('steps prices by ticks and quantities by lots, never below one', () => {
    expect(stepPrice('35.10', 1, petr4)).toBe('35,11');
    expect(stepPrice('35,10', -3, petr4)).toBe('35,07');
    expect(stepPrice('1.035,10', 1, petr4)).toBe('1035,11');
    expect(stepPrice('0.01', -1, petr4)).toBe('0,01');
    expect(stepQuantity('100', 1, petr4)).toBe('101');
    expect(stepQuantity('1', -1, petr4)).toBe('1');
    expect(stepQuantity('1.000', 1, petr4)).toBe('1001');
    expect(stepQuantity('', 1, petr4)).toBe('1');
  });

  it('estimates the total and the largest fee, rounded down like the exchange', () => {
    expect(estimate(form, { makerBps: 2, takerBps: 3 }, null)).toEqual({ notional: 351_000, fee: 105 });
    expect(estimate({ ...form, type: 'market' }, { makerBps: 2, takerBps: 3 }, 3_000)).toEqual({
      notional: 300_000,
      fee: 90,
    });
    expect(estimate({ ...form, type: 'market' }, { makerBps: 2, takerBps: 3 }, null)).toEqual({
      notional: null,
      fee: null,
    });
  });

  it('estimates a stop-market at its stop, or at the last price once that is past it (it fires at once)', () => {
    const stopSell = {
      ...form,
      type: 'stop_market' as const,
      side: 'sell' as const,
      stopPrice: '30,00',
      quantity: '10',
    };
    expect(estimate(stopSell, { makerBps: 2, takerBps: 3 }, 3_810).notional).toBe(30_000);
    expect(estimate({ ...stopSell, stopPrice: '39,00' }, { makerBps: 2, takerBps: 3 }, 3_810).notional).toBe(38_100);
    expect(estimate({ ...stopSell, stopPrice: '' }, { makerBps: 2, takerBps: 3 }, 3_810).notional).toBeNull();
  });

  it('gives market orders the protection price the API will: 10% past the last price or the stop price', () => {
    expect(protectionOf({ ...form, type: 'market' }, petr4, 3_800)).toBe(4_180);
    expect(protectionOf({ ...form, type: 'market', side: 'sell' }, petr4, 3_800)).toBe(3_420);
    expect(protectionOf({ ...form, type: 'stop_market', stopPrice: '40,00' }, petr4, 3_800)).toBe(4_400);
    expect(protectionOf({ ...form, type: 'market' }, petr4, null)).toBeNull();
    expect(protectionOf({ ...form, type: 'stop_market', stopPrice: '' }, petr4, 3_800)).toBeNull();
    expect(protectionOf(form, petr4, 3_800)).toBeNull();
  });

  it('shows what a buy that names no price sets aside: its quantity at its protection price, plus the fee', () => {
    const fees = { makerBps: 2, takerBps: 3 };
    // 100 × 41.80 + 3 bps
    expect(unpricedBuyHold({ ...form, type: 'market' }, petr4, fees, 3_800)).toBe(418_125);
    // 100 × 44.00 + 3 bps
    expect(unpricedBuyHold({ ...form, type: 'stop_market', stopPrice: '40.00' }, petr4, fees, 3_800)).toBe(440_132);
    // No price to start from: the band's top, 1000.00
    expect(unpricedBuyHold({ ...form, type: 'market' }, petr4, fees, null)).toBe(10_003_000);
    expect(unpricedBuyHold(form, petr4, fees, 3_800)).toBeNull();
    expect(unpricedBuyHold({ ...form, type: 'market', side: 'sell' }, petr4, fees, 3_800)).toBeNull();
    expect(unpricedBuyHold({ ...form, type: 'market' }, { ...petr4, priceBand: null }, fees, null)).toBeNull();
  });
});

describe('the largest quantity', () => {
  const fees = { makerBps: 2, takerBps: 3 };
  const wallet = (available: string, shares: string) => ({
    currency: 'BRL' as const,
    cash: { available, held: '0.00', total: available },
    positions: [{ symbol: 'PETR4', available: shares, held: '0', total: shares, costBasis: '0.00', averageCost: null }],
  });

  it('sells every share available, in whole lots', () => {
    expect(maxQuantity({ ...form, side: 'sell' }, petr4, fees, wallet('0.00', '1234'), null)).toBe(1234);
    expect(maxQuantity({ ...form, side: 'sell' }, { ...petr4, lotSize: 100 }, fees, wallet('0.00', '1234'), null)).toBe(
      1200,
    );
  });

  it('buys as much as the cash holds at the limit with the largest fee, and no more', () => {
    // 1,000.00 at 35.10 with 3 bps: 28 shares hold 982.80 + 0.29 = 983.09; 29 would hold 1,017.90 + 0.30.
    expect(maxQuantity(form, petr4, fees, wallet('1000.00', '0'), null)).toBe(28);
    // The fee rounds down: 100 shares at 10.00 hold exactly 1,000.30, which 1,000.30 covers.
    expect(maxQuantity({ ...form, price: '10.00' }, petr4, fees, wallet('1000.30', '0'), null)).toBe(100);
    expect(maxQuantity({ ...form, price: '10.00' }, petr4, fees, wallet('1000.29', '0'), null)).toBe(99);
  });

  it("stops at the instrument's most shares per order, which the ticket refuses past", () => {
    // PETR4 takes 100,000 shares per order at most.
    expect(petr4.maxOrderQuantity).toBe(100_000);
    expect(maxQuantity({ ...form, side: 'sell' }, petr4, fees, wallet('0.00', '250000'), null)).toBe(100_000);
    expect(maxQuantity({ ...form, price: '1.00' }, petr4, fees, wallet('1000000.00', '0'), null)).toBe(100_000);
    expect(checkTicket({ ...form, quantity: '100001' }, petr4)).toEqual({
      ok: false,
      errors: { quantity: 'No máximo 100.000 ações por ordem.' },
    });
    expect(checkTicket({ ...form, quantity: '100000' }, petr4)).toMatchObject({ ok: true });
  });

  it('prices a market buy at its protection price, and knows nothing without a wallet or a price', () => {
    // Protection 10% above 38.00: 41.80; 1,000.00 holds 23 shares (961.40 + 0.28).
    expect(maxQuantity({ ...form, type: 'market', price: '' }, petr4, fees, wallet('1000.00', '0'), 3800)).toBe(23);
    expect(maxQuantity(form, petr4, fees, null, null)).toBeNull();
    expect(maxQuantity({ ...form, price: 'abc' }, petr4, fees, wallet('1000.00', '0'), null)).toBeNull();
  });
});
