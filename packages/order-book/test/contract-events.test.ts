import fc from 'fast-check';
import { decodeEvents, DEFAULT_INSTRUMENTS, OrderCommand, type Instrument } from '@bolsa/contracts';
import { describe, expect, it } from 'vitest';
import { ContractBook } from '../src/index.js';

/**
 * Every event a ContractBook makes is a valid message of the events topic, whatever the commands: the matching
 * engine publishes them without checking them again (they are made of fields of commands it decoded, so checked,
 * and of numbers from its book), and the consumers refuse anything that does not parse.
 */
const PETR4: Instrument = DEFAULT_INSTRUMENTS.find((instrument) => instrument.symbol === 'PETR4')!;
const ACCOUNTS = ['0b0f4b1e-6f54-4c8e-9a51-3f1c2f8d9a01', '5d1c7a62-0c2f-4d8e-8f3e-6b7a9c1d2e03'];
const orderId = (n: number) => `00000000-0000-4000-8000-${n.toString().padStart(12, '0')}`;
const nullable = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: null });

const envelope = fc.record({
  commandId: fc.uuid({ version: 4 }),
  traceId: fc.stringMatching(/^[0-9a-f]{32}$/),
  accountId: fc.constantFrom(...ACCOUNTS),
  clientOrderId: nullable(fc.constantFrom('c-1', 'client order 2')),
  /** A cancel or amend names the n-th order placed so far (or an unknown one when there is none). */
  target: fc.nat(),
});
const price = fc.integer({ min: 3497, max: 3503 });
/** When the two call auctions the commands may join end: within the sequences' timestamps. */
const AUCTION_ENDS = [1_763_700_000_020, 1_763_700_000_045] as const;

const none = fc.constant(null);
const stop = {
  stopPrice: price,
  trailingOffset: nullable(fc.integer({ min: 1, max: 5 })),
  postOnly: fc.constant(false),
};
/** Every order shape the contract allows (others would not get past the producer's checks). */
const shape = fc.oneof(
  fc
    .record({ orderType: fc.constant('limit'), timeInForce: fc.constantFrom('GTC', 'DAY', 'IOC', 'FOK'), price })
    .chain((limit) =>
      fc.record({
        ...Object.fromEntries(Object.entries(limit).map(([key, value]) => [key, fc.constant(value)])),
        stopPrice: none,
        trailingOffset: none,
        postOnly: limit.timeInForce === 'GTC' || limit.timeInForce === 'DAY' ? fc.boolean() : fc.constant(false),
      }),
    ),
  fc.record({
    orderType: fc.constant('market'),
    timeInForce: fc.constantFrom('IOC', 'FOK'),
    price: none,
    protectionPrice: nullable(price),
    stopPrice: none,
    trailingOffset: none,
    postOnly: fc.constant(false),
  }),
  fc.record({ orderType: fc.constant('stop_limit'), timeInForce: fc.constantFrom('GTC', 'DAY'), price, ...stop }),
  fc.record({
    orderType: fc.constant('stop_market'),
    timeInForce: fc.constantFrom('GTC', 'DAY'),
    price: none,
    protectionPrice: nullable(price),
    ...stop,
  }),
);
const place = fc
  .record({
    side: fc.constantFrom('buy', 'sell'),
    shape,
    quantity: fc.integer({ min: 1, max: 50 }),
    selfTradePrevention: fc.constantFrom('cancel_newest', 'cancel_oldest', 'cancel_both', 'decrement_and_cancel'),
    /** A copy sent a minute after the order was recorded: refused as stale. */
    sentLate: fc.oneof({ weight: 19, arbitrary: fc.constant(false) }, fc.constant(true)),
  })
  .map(({ shape: fields, ...rest }) => ({ type: 'place_order' as const, ...fields, ...rest }));
const cancel = fc.record({ type: fc.constant('cancel_order') });
const amend = fc.record({
  type: fc.constant('amend_order'),
  price: nullable(price),
  quantity: nullable(fc.integer({ min: 1, max: 60 })),
  stopPrice: fc.option(price, { nil: undefined }),
  trailingOffset: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
});

/** Commands of every kind that pass the contract, as a producer would send them; timestamps rise. */
const commands = fc
  .array(
    fc.tuple(
      envelope,
      fc.oneof(
        { weight: 6, arbitrary: place },
        cancel,
        amend,
        fc.record({ type: fc.constant('end_of_day'), endsAuction: fc.option(fc.constant(true), { nil: undefined }) }),
        fc.record({ type: fc.constantFrom('halt_trading', 'resume_trading', 'resume_trading') }),
        // The openings of two call auctions; placements and amends join one of them now and then.
        fc.record({ type: fc.constant('open_trading'), opensAt: fc.constantFrom(AUCTION_ENDS[0], AUCTION_ENDS[1]) }),
        fc.record({ type: fc.constant('reopen_day') }),
      ),
      fc.option(fc.constantFrom(...AUCTION_ENDS), { nil: undefined, freq: 3 }),
    ),
    { minLength: 1, maxLength: 60, size: 'max' },
  )
  .map((drawn) => {
    const placed: string[] = [];
    return drawn.flatMap(([{ target, ...head }, body, auctionEndsAt], i) => {
      const id = body.type === 'place_order' ? orderId(i + 1) : (placed[target % placed.length] ?? orderId(999));
      if (body.type === 'place_order') placed.push(id);
      const timestamp = 1_763_700_000_000 + i;
      const { sentLate, ...fields } = { sentLate: false, ...body };
      const sentAt = sentLate ? { sentAt: timestamp + 60_000 } : {};
      // Resumptions and reopened days too, now and then into an auction ending at one of the two.
      const ordered = ['place_order', 'amend_order', 'resume_trading', 'reopen_day'].includes(body.type);
      const auction = ordered && auctionEndsAt !== undefined && auctionEndsAt > timestamp ? { auctionEndsAt } : {};
      const parsed = OrderCommand.safeParse({
        schemaVersion: 1,
        symbol: 'PETR4',
        timestamp,
        ...head,
        orderId: id,
        ...fields,
        ...sentAt,
        ...auction,
        ...(body.type === 'open_trading' || body.type === 'reopen_day' ? { tradingDay: '2025-11-21' } : {}),
      });
      return parsed.success ? [parsed.data] : [];
    });
  });

describe('the events a ContractBook makes', () => {
  it('always pass the events topic schema, one command at a time, in order, call auctions and all', () => {
    fc.assert(
      fc.property(commands, (sequence) => {
        const book = new ContractBook(PETR4);
        let lastSequence = 0;
        for (const command of sequence) {
          const events = book.apply(command);
          if (events.length === 0) continue;
          expect(decodeEvents(JSON.stringify(events))).toEqual({ ok: true, value: events });
          expect(events.map((event) => event.sequence)).toEqual(events.map((_, i) => lastSequence + i + 1));
          lastSequence += events.length;
        }
        expect(book.validateInternalState()).toEqual([]);
        const restored = new ContractBook(PETR4, JSON.parse(JSON.stringify(book.snapshot())));
        expect(restored.stateHash()).toBe(book.stateHash());
      }),
      { numRuns: 300 },
    );
  });
});
