/** Who a live order is, in the contract's terms. */
export interface OrderIdentity {
  readonly orderId: string;
  readonly accountId: string;
  /** When the order was recorded (its placement's timestamp): which day's close it expires at, if DAY. */
  readonly placedAt: number;
  /** The highest amend number the book has had for it: amends numbered at or below it change nothing. */
  amendsSeen: number;
  /** A GTD order's last trading day (`YYYY-MM-DD`), which an amend may move; null for others. */
  expiresOn: string | null;
}

/**
 * [internal id, order id, account id, placed at, amends seen, good till] of a live order, as snapshots keep it (no
 * time in older snapshots: 0; the amends seen only when there were any or a day follows; the day only for GTD orders).
 */
export type IdentityRow = [number, string, string, number?, number?, string?];

/** What a snapshot keeps of the identities. */
export interface IdentitiesSnapshot {
  readonly orders: IdentityRow[];
  /** Account ids in the order they were numbered. */
  readonly accounts: string[];
  readonly freeIds: number[];
  readonly nextId: number;
}

/**
 * The contract's UUIDs as the small integers the core takes: a live order's internal id, recycled once the order
 * has ended, and an account's number, given in the order accounts first appear and kept for good.
 */
export class OrderIdentities {
  private readonly internalIds = new Map<string, number>();
  private readonly identities: (OrderIdentity | undefined)[] = [];
  private readonly accountNumbers = new Map<string, number>();
  private readonly accountIds: string[] = [];
  private readonly freeIds: number[] = [];
  private nextId = 0;

  constructor(snapshot?: IdentitiesSnapshot) {
    if (snapshot === undefined) return;
    for (const accountId of snapshot.accounts) this.accountNumber(accountId);
    for (const [internal, orderId, accountId, placedAt = 0, amendsSeen = 0, expiresOn = null] of snapshot.orders) {
      this.internalIds.set(orderId, internal);
      this.identities[internal] = { orderId, accountId, placedAt, amendsSeen, expiresOn };
    }
    this.freeIds.push(...snapshot.freeIds);
    this.nextId = snapshot.nextId;
  }

  /** How many orders are live. */
  get size(): number {
    return this.internalIds.size;
  }

  /** The internal id of a live order, or undefined. */
  internalOf(orderId: string): number | undefined {
    return this.internalIds.get(orderId);
  }

  /** A new live order's identity, under an internal id no live order has. */
  add(orderId: string, accountId: string, placedAt: number, expiresOn: string | null): number {
    const internal = this.freeIds.pop() ?? this.nextId++;
    this.internalIds.set(orderId, internal);
    this.identities[internal] = { orderId, accountId, placedAt, amendsSeen: 0, expiresOn };
    return internal;
  }

  /** A live order's identity; the book naming an internal id that is not live is a bug, and throws. */
  of(internal: number): OrderIdentity {
    const identity = this.identities[internal];
    if (identity === undefined) throw new Error(`the book reported unknown internal order ${internal}`);
    return identity;
  }

  /** A live order's identity, or undefined. */
  find(internal: number): OrderIdentity | undefined {
    return this.identities[internal];
  }

  /** An order left the book: its UUID is forgotten and its internal id goes back to the pool. */
  forget(internal: number): OrderIdentity {
    const identity = this.of(internal);
    this.internalIds.delete(identity.orderId);
    this.identities[internal] = undefined;
    this.freeIds.push(internal);
    return identity;
  }

  /** The live orders' internal ids. */
  internals(): IterableIterator<number> {
    return this.internalIds.values();
  }

  accountNumber(accountId: string): number {
    let number = this.accountNumbers.get(accountId);
    if (number === undefined) {
      number = this.accountIds.length;
      this.accountNumbers.set(accountId, number);
      this.accountIds.push(accountId);
    }
    return number;
  }

  snapshot(): IdentitiesSnapshot {
    const orders: IdentityRow[] = [];
    for (const [orderId, internal] of this.internalIds) {
      const { accountId, placedAt, amendsSeen, expiresOn } = this.identities[internal]!;
      orders.push(
        expiresOn !== null
          ? [internal, orderId, accountId, placedAt, amendsSeen, expiresOn]
          : amendsSeen === 0
            ? [internal, orderId, accountId, placedAt]
            : [internal, orderId, accountId, placedAt, amendsSeen],
      );
    }
    orders.sort((a, b) => a[0] - b[0]);
    return { orders, accounts: [...this.accountIds], freeIds: [...this.freeIds], nextId: this.nextId };
  }

  /**
   * When each live order was recorded decides which close expires it (and a GTD order's day, which day's close),
   * and the amends it has had which amends it still takes, so they are state, hashed here.
   */
  hash(): number {
    let recorded = 0;
    for (const identity of this.identities) {
      if (identity === undefined) continue;
      recorded = (Math.imul(recorded, 31) + (identity.placedAt % 0x7fffffff)) | 0;
      recorded = (Math.imul(recorded, 31) + identity.amendsSeen) | 0;
      if (identity.expiresOn !== null) recorded = (Math.imul(recorded, 31) + dayNumber(identity.expiresOn)) | 0;
    }
    return recorded >>> 0;
  }
}

/** `YYYY-MM-DD` as the number YYYYMMDD, for the state hash. */
function dayNumber(day: string): number {
  return Number(day.replaceAll('-', ''));
}
