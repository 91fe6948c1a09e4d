import { DEFAULT_INSTRUMENTS, type Instrument, type PlaceOrderCommand } from '@bolsa/contracts';

/** Commands to a PETR4 `ContractBook`, for its tests. */
export const PETR4: Instrument = DEFAULT_INSTRUMENTS.find((instrument) => instrument.symbol === 'PETR4')!;
export const ALICE = '0b0f4b1e-6f54-4c8e-9a51-3f1c2f8d9a01';
export const BOB = '5d1c7a62-0c2f-4d8e-8f3e-6b7a9c1d2e03';
export const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

let counter = 0;
/** A new UUID each call: command and order ids. */
export const uuid = () => `00000000-0000-4000-8000-${(++counter).toString().padStart(12, '0')}`;

/** What every command to the PETR4 book carries, recorded at `timestamp`. */
export function envelope(timestamp = 1_763_700_000_000) {
  return {
    schemaVersion: 1 as const,
    commandId: uuid(),
    symbol: 'PETR4',
    traceId: TRACE,
    timestamp,
  };
}

/** A GTC limit placement of a new order, `extra` fields over it (its timestamp, an auction's end, …). */
export function limitOrder(
  accountId: string,
  side: 'buy' | 'sell',
  price: number,
  quantity: number,
  extra: Partial<PlaceOrderCommand> = {},
) {
  return {
    ...envelope(),
    type: 'place_order' as const,
    orderId: uuid(),
    accountId,
    clientOrderId: null,
    side,
    orderType: 'limit' as const,
    timeInForce: 'GTC' as const,
    price,
    stopPrice: null,
    trailingOffset: null,
    quantity,
    postOnly: false,
    selfTradePrevention: 'cancel_newest' as const,
    ...extra,
  };
}
