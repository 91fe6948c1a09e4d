import { namesAnOrder, type EngineEvent, type Instrument, type OrderCommand } from '@bolsa/contracts';
import { ContractBook, type ContractBookOptions, type ContractBookSnapshot } from '@bolsa/order-book';
import type { BookStatus } from './metrics.js';

export interface PartitionSnapshot {
  readonly format: 1;
  readonly partition: number;
  /** The first command offset the snapshot does not include. */
  readonly nextOffset: number;
  readonly books: ContractBookSnapshot[];
  /** Last sequence used for rejections of commands naming a symbol that has no book. */
  readonly unknownSymbols: [symbol: string, sequence: number][];
  /**
   * The id of the command at `nextOffset - 1`, by which a recovery recognises the log it goes on with; null when
   * that message did not decode, absent in snapshots of earlier builds.
   */
  readonly lastCommandId?: string | null;
}

export type ApplyOutcome =
  | { readonly kind: 'applied'; readonly events: EngineEvent[] }
  /** The command is older than this state: it is already in it. */
  | { readonly kind: 'already_applied' }
  /**
   * A placement of an order the book already has, or a numbered amend at or below the last its order had (sent
   * again, or overtaken): nothing happens.
   */
  | { readonly kind: 'resent' }
  /** Commands are missing between this state and the offset: the consumer must go back. */
  | { readonly kind: 'gap'; readonly expected: number };

/**
 * The books of the symbols on one input partition, and how far into that partition they are. Pure: commands
 * with their offsets in, events out; snapshots are plain JSON.
 */
export class PartitionBooks {
  private readonly books = new Map<string, ContractBook>();
  private readonly unknownSymbols = new Map<string, number>();
  nextOffset = 0;
  lastCommandId: string | null = null;

  constructor(
    readonly partition: number,
    private readonly instruments: ReadonlyMap<string, Instrument>,
    snapshot?: PartitionSnapshot,
    private readonly options: ContractBookOptions = {},
  ) {
    if (snapshot === undefined) return;
    if (snapshot.format !== 1 || snapshot.partition !== partition) throw new Error('snapshot of another partition');
    for (const book of snapshot.books) {
      const instrument = instruments.get(book.symbol);
      if (instrument === undefined) throw new Error(`snapshot has a book for ${book.symbol}, which is not configured`);
      this.books.set(book.symbol, new ContractBook(instrument, book, options));
    }
    for (const [symbol, sequence] of snapshot.unknownSymbols) this.unknownSymbols.set(symbol, sequence);
    this.nextOffset = snapshot.nextOffset;
    this.lastCommandId = snapshot.lastCommandId ?? null;
  }

  apply(command: OrderCommand, offset: number): ApplyOutcome {
    if (offset < this.nextOffset) return { kind: 'already_applied' };
    if (offset > this.nextOffset) return { kind: 'gap', expected: this.nextOffset };
    this.nextOffset = offset + 1;
    this.lastCommandId = command.commandId;
    const book = this.bookFor(command.symbol);
    const events = book === undefined ? this.rejectUnknownSymbol(command) : book.apply(command);
    // A placement or a numbered amend is always answered, taken or refused, unless the book already had it.
    const numbered =
      command.type === 'place_order' || (command.type === 'amend_order' && command.amendNumber !== undefined);
    if (events.length === 0 && numbered) return { kind: 'resent' };
    return { kind: 'applied', events };
  }

  /** Marks an offset whose message could not be decoded as passed, so the next one is not seen as a gap. */
  skip(offset: number): void {
    if (offset !== this.nextOffset) return;
    this.nextOffset = offset + 1;
    this.lastCommandId = null;
  }

  snapshot(): PartitionSnapshot {
    return {
      format: 1,
      partition: this.partition,
      nextOffset: this.nextOffset,
      books: [...this.books.values()].map((book) => book.snapshot()),
      unknownSymbols: [...this.unknownSymbols],
      lastCommandId: this.lastCommandId,
    };
  }

  /** Whether each book of the partition is halted, and whether it is in a call auction. */
  *tradingStatus(): Iterable<BookStatus> {
    for (const [symbol, book] of this.books)
      yield { symbol, halted: book.core.isHalted, inAuction: book.core.inAuction };
  }

  stateHashes(): Record<string, string> {
    return Object.fromEntries([...this.books].map(([symbol, book]) => [symbol, book.stateHash()]));
  }

  private bookFor(symbol: string): ContractBook | undefined {
    let book = this.books.get(symbol);
    if (book === undefined) {
      const instrument = this.instruments.get(symbol);
      if (instrument === undefined) return undefined;
      book = new ContractBook(instrument, undefined, this.options);
      this.books.set(symbol, book);
    }
    return book;
  }

  private rejectUnknownSymbol(command: OrderCommand): EngineEvent[] {
    if (!namesAnOrder(command)) return [];
    const sequence = (this.unknownSymbols.get(command.symbol) ?? 0) + 1;
    this.unknownSymbols.set(command.symbol, sequence);
    return [
      {
        schemaVersion: 1,
        symbol: command.symbol,
        sequence,
        commandId: command.commandId,
        traceId: command.traceId,
        timestamp: command.timestamp,
        type: 'order_rejected',
        orderId: command.orderId,
        accountId: command.accountId,
        clientOrderId: command.clientOrderId,
        commandType: command.type,
        reason: 'unknown_symbol',
        message: `no instrument ${command.symbol} is traded here`,
      },
    ];
  }
}
