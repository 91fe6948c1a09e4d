import { randomUUID } from 'node:crypto';
import type { OrderCommand } from '@bolsa/contracts';

const ACCOUNTS = [
  '0b0f4b1e-6f54-4c8e-9a51-3f1c2f8d9a01',
  '5d1c7a62-0c2f-4d8e-8f3e-6b7a9c1d2e03',
  '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
];

/** Every `AUCTION_EVERY` commands, the first `AUCTION_LENGTH` are a call auction's, which then opens. */
const AUCTION_EVERY = 600;
const AUCTION_LENGTH = 150;

/**
 * A deterministic-enough stream of order flow: crossing limits, markets, cancels and amends on a few symbols, now
 * and then a symbol's trading halted (resumed a few commands later, on average), and call auctions: the placements
 * and amends of each auction's stretch carry its end, and at the end every symbol is told to open.
 */
export function orderFlow(count: number, symbols: readonly string[], seed = 1): OrderCommand[] {
  let state = seed;
  const random = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
  const live: { orderId: string; accountId: string; symbol: string }[] = [];
  const commands: OrderCommand[] = [];
  const start = 1_763_700_000_000;
  for (let i = 0; i < count; i++) {
    const inAuction = i % AUCTION_EVERY < AUCTION_LENGTH;
    const auction = inAuction ? { auctionEndsAt: start + i - (i % AUCTION_EVERY) + AUCTION_LENGTH } : {};
    if (i % AUCTION_EVERY === AUCTION_LENGTH) {
      for (const opening of symbols) {
        commands.push({
          schemaVersion: 1,
          commandId: randomUUID(),
          symbol: opening,
          traceId: randomUUID().replaceAll('-', ''),
          timestamp: start + i,
          type: 'open_trading',
          tradingDay: '2025-11-21',
          opensAt: start + i,
        });
      }
    }
    const symbol = symbols[Math.floor(random() * symbols.length)]!;
    const accountId = ACCOUNTS[Math.floor(random() * ACCOUNTS.length)]!;
    const base = {
      schemaVersion: 1 as const,
      commandId: randomUUID(),
      symbol,
      traceId: randomUUID().replaceAll('-', ''),
      timestamp: start + i,
    };
    const roll = random();
    const target = live.filter((order) => order.symbol === symbol)[Math.floor(random() * 5)];
    if (roll >= 0.3 && roll < 0.34) {
      // A resumption inside an auction's window resumes into it, as a reopening call does.
      commands.push(roll < 0.31 ? { ...base, type: 'halt_trading' } : { ...base, type: 'resume_trading', ...auction });
    } else if (roll < 0.2 && target !== undefined) {
      commands.push({
        ...base,
        type: 'cancel_order',
        accountId: target.accountId,
        clientOrderId: null,
        orderId: target.orderId,
      });
    } else if (roll < 0.3 && target !== undefined) {
      commands.push({
        ...base,
        type: 'amend_order',
        accountId: target.accountId,
        clientOrderId: null,
        orderId: target.orderId,
        price: 3400 + Math.floor(random() * 200),
        quantity: null,
        ...auction,
      });
    } else {
      const orderId = randomUUID();
      const market = roll > 0.9;
      commands.push({
        ...base,
        type: 'place_order',
        orderId,
        accountId,
        clientOrderId: `c-${i}`,
        side: random() < 0.5 ? 'buy' : 'sell',
        orderType: market ? 'market' : 'limit',
        timeInForce: market ? 'IOC' : 'GTC',
        price: market ? null : 3450 + Math.floor(random() * 100),
        stopPrice: null,
        trailingOffset: null,
        quantity: 1 + Math.floor(random() * 20),
        postOnly: false,
        selfTradePrevention: 'cancel_oldest',
        ...auction,
      });
      if (!market) live.push({ orderId, accountId, symbol });
    }
  }
  return commands;
}
