/**
 * A deliberately naive order book written separately from the real one: plain objects in plain arrays, sorted
 * afresh whenever it needs to know who is best. Slow and obviously right, so the real book can be checked
 * against it on random command sequences.
 */
export type Side = 'B' | 'S';
export type Kind = 'limit' | 'market' | 'stop_limit' | 'stop_market';
export type Tif = 'GTC' | 'DAY' | 'IOC' | 'FOK';
export type Stp = 'newest' | 'oldest' | 'both' | 'decrement';

export interface ModelOrder {
  id: number;
  account: number;
  side: Side;
  kind: Kind;
  tif: Tif;
  price: number;
  stopPrice: number;
  /** A trailing stop's distance from the trade price; 0 for other orders. */
  trailingOffset: number;
  quantity: number;
  remaining: number;
  stp: Stp;
  postOnly: boolean;
  arrival: number;
}

export type Outcome = [id: number, what: string, detail: string | number];

export class ReferenceBook {
  resting: ModelOrder[] = [];
  waiting: ModelOrder[] = [];
  trades: [taker: number, maker: number, price: number, quantity: number][] = [];
  outcomes: Outcome[] = [];
  private lastPrice = 0;
  private arrivals = 0;
  private halted = false;
  private auction = false;
  private queue: ModelOrder[] = [];

  bids(): ModelOrder[] {
    return this.resting.filter((o) => o.side === 'B').sort((a, b) => b.price - a.price || a.arrival - b.arrival);
  }

  asks(): ModelOrder[] {
    return this.resting.filter((o) => o.side === 'S').sort((a, b) => a.price - b.price || a.arrival - b.arrival);
  }

  private stopsInTriggerOrder(side: Side): ModelOrder[] {
    return this.waiting
      .filter((o) => o.side === side)
      .sort((a, b) => (side === 'B' ? a.stopPrice - b.stopPrice : b.stopPrice - a.stopPrice) || a.arrival - b.arrival);
  }

  private find(id: number): ModelOrder | undefined {
    return this.resting.find((o) => o.id === id) ?? this.waiting.find((o) => o.id === id);
  }

  private crosses(order: ModelOrder, other: ModelOrder): boolean {
    // A market order's price, when it has one, is its protection price: as far as it may go.
    if (order.kind === 'market' && order.price === 0) return true;
    return order.side === 'B' ? other.price <= order.price : other.price >= order.price;
  }

  private opposite(order: ModelOrder): ModelOrder[] {
    return order.side === 'B' ? this.asks() : this.bids();
  }

  private end(order: ModelOrder, what: string, detail: string | number): void {
    this.resting = this.resting.filter((o) => o !== order);
    this.waiting = this.waiting.filter((o) => o !== order);
    this.outcomes.push([order.id, what, detail]);
  }

  place(order: Omit<ModelOrder, 'remaining' | 'arrival'>): void {
    const full: ModelOrder = { ...order, remaining: order.quantity, arrival: 0 };
    if (this.halted) {
      this.outcomes.push([order.id, 'rejected', 'trading_halted']);
      return;
    }
    if (this.find(order.id)) {
      this.outcomes.push([order.id, 'rejected', 'duplicate_order_id']);
      return;
    }
    if (order.postOnly && this.opposite(full).some((other) => this.crosses(full, other))) {
      this.outcomes.push([order.id, 'rejected', 'post_only_would_take']);
      return;
    }
    const onlyTakesOrMakes =
      order.kind === 'market' ||
      (order.kind === 'limit' && (order.tif === 'IOC' || order.tif === 'FOK' || order.postOnly));
    if (this.auction && onlyTakesOrMakes) {
      this.outcomes.push([order.id, 'rejected', 'auction_call']);
      return;
    }
    if (order.kind === 'stop_limit' || order.kind === 'stop_market') {
      const fired =
        !this.auction &&
        this.lastPrice !== 0 &&
        (order.side === 'B' ? this.lastPrice >= order.stopPrice : this.lastPrice <= order.stopPrice);
      if (fired) this.queue.push(full);
      else this.waiting.push({ ...full, arrival: ++this.arrivals });
    } else {
      this.execute(full);
    }
    this.drain();
  }

  private drain(): void {
    while (this.queue.length > 0) {
      const order = this.queue.shift()!;
      order.kind = order.kind === 'stop_limit' ? 'limit' : 'market';
      this.execute(order);
    }
  }

  private fillable(order: ModelOrder): boolean {
    let needed = order.remaining;
    for (const other of this.opposite(order)) {
      if (!this.crosses(order, other)) break;
      if (other.account === order.account) {
        if (order.stp === 'oldest') continue;
        return false;
      }
      needed -= other.remaining;
      if (needed <= 0) return true;
    }
    return needed <= 0;
  }

  private execute(order: ModelOrder): void {
    if (this.auction) {
      this.resting.push({ ...order, arrival: ++this.arrivals });
      return;
    }
    if (order.tif === 'FOK' && !this.fillable(order)) {
      this.outcomes.push([order.id, 'cancelled', 'fill_or_kill']);
      return;
    }
    if (!this.match(order)) return;
    if (order.remaining === 0) this.outcomes.push([order.id, 'filled', order.quantity]);
    else if (order.kind === 'market') this.outcomes.push([order.id, 'cancelled', 'no_liquidity']);
    else if (order.tif === 'IOC') this.outcomes.push([order.id, 'cancelled', 'immediate_or_cancel']);
    else if (order.tif === 'FOK') this.outcomes.push([order.id, 'cancelled', 'fill_or_kill']);
    else this.resting.push({ ...order, arrival: ++this.arrivals });
  }

  /** False when self-trade prevention cancelled the incoming order. */
  private match(order: ModelOrder): boolean {
    for (;;) {
      if (order.remaining === 0) return true;
      const maker = this.opposite(order)[0];
      if (maker === undefined || !this.crosses(order, maker)) return true;
      if (maker.account === order.account) {
        if (order.stp === 'newest' || order.stp === 'both') {
          if (order.stp === 'both') this.end(maker, 'cancelled', 'self_trade_prevention');
          this.outcomes.push([order.id, 'cancelled', 'self_trade_prevention']);
          return false;
        }
        if (order.stp === 'oldest') {
          this.end(maker, 'cancelled', 'self_trade_prevention');
          continue;
        }
        const cut = Math.min(order.remaining, maker.remaining);
        if (cut === maker.remaining) this.end(maker, 'cancelled', 'self_trade_prevention');
        else {
          maker.remaining -= cut;
          maker.quantity -= cut;
        }
        if (cut === order.remaining) {
          this.outcomes.push([order.id, 'cancelled', 'self_trade_prevention']);
          return false;
        }
        order.remaining -= cut;
        order.quantity -= cut;
        continue;
      }
      const quantity = Math.min(order.remaining, maker.remaining);
      order.remaining -= quantity;
      maker.remaining -= quantity;
      this.trades.push([order.id, maker.id, maker.price, quantity]);
      this.lastPrice = maker.price;
      if (maker.remaining === 0) this.end(maker, 'filled', maker.quantity);
      this.fireStops(maker.price);
    }
  }

  /**
   * Trailing stops still waiting follow the trade price at their distance when that is tighter; a limit (or a
   * stop-market's protection) moves as much, never below 1 (the lowest price of a book without a band).
   */
  private trail(price: number): void {
    for (const stop of this.waiting) {
      if (stop.trailingOffset === 0) continue;
      const follow = stop.side === 'B' ? price + stop.trailingOffset : price - stop.trailingOffset;
      if (stop.side === 'B' ? follow >= stop.stopPrice : follow <= stop.stopPrice) continue;
      if (stop.price !== 0) stop.price = Math.max(1, stop.price + follow - stop.stopPrice);
      stop.stopPrice = follow;
    }
  }

  cancel(id: number, account: number): void {
    const order = this.find(id);
    if (order === undefined) this.outcomes.push([id, 'rejected', 'unknown_order']);
    else if (order.account !== account) this.outcomes.push([id, 'rejected', 'not_order_owner']);
    else this.end(order, 'cancelled', 'requested');
  }

  amend(id: number, account: number, price: number, quantity: number, stopPrice = 0, trailingOffset = 0): void {
    const order = this.find(id);
    if (order === undefined) return void this.outcomes.push([id, 'rejected', 'unknown_order']);
    if (order.account !== account) return void this.outcomes.push([id, 'rejected', 'not_order_owner']);
    if (this.halted) return void this.outcomes.push([id, 'rejected', 'trading_halted']);
    const filled = order.quantity - order.remaining;
    const newPrice = price === 0 ? order.price : price;
    const newQuantity = quantity === 0 ? order.quantity : quantity;
    const waiting = this.waiting.includes(order);
    const newStop = stopPrice === 0 ? order.stopPrice : stopPrice;
    let reason: string | null = null;
    if (quantity !== 0 && quantity <= filled) reason = 'quantity_below_filled';
    else if ((stopPrice !== 0 || trailingOffset !== 0) && !waiting) reason = 'not_amendable';
    else if (trailingOffset !== 0 && order.trailingOffset === 0) reason = 'not_amendable';
    else if (price !== 0 && order.kind === 'stop_market' && stopPrice === 0) reason = 'not_amendable';
    else if (price !== 0 && order.postOnly) {
      const probe = { ...order, price: newPrice };
      if (this.opposite(probe).some((other) => this.crosses(probe, other))) reason = 'post_only_would_take';
    }
    const newOffset = trailingOffset === 0 ? order.trailingOffset : trailingOffset;
    const unchanged =
      newPrice === order.price &&
      newQuantity === order.quantity &&
      newStop === order.stopPrice &&
      newOffset === order.trailingOffset;
    if (reason === null && unchanged) reason = 'invalid_order';
    if (reason !== null) return void this.outcomes.push([id, 'rejected', reason]);

    const grows = newQuantity > order.quantity;
    const repriced = newPrice !== order.price;
    order.price = newPrice;
    order.quantity = newQuantity;
    order.remaining = newQuantity - filled;
    order.trailingOffset = newOffset;
    if (waiting) {
      if (newStop !== order.stopPrice) {
        // A new stop: a new arrival among the stops, or fired at once if the last trade is past it.
        order.stopPrice = newStop;
        this.waiting = this.waiting.filter((o) => o !== order);
        const fired =
          !this.auction &&
          this.lastPrice !== 0 &&
          (order.side === 'B' ? this.lastPrice >= newStop : this.lastPrice <= newStop);
        if (fired) {
          this.queue.push(order);
          this.drain();
        } else {
          order.arrival = ++this.arrivals;
          this.waiting.push(order);
        }
        return;
      }
      if (grows) order.arrival = ++this.arrivals;
      return;
    }
    if (!grows && !repriced) return;
    this.resting = this.resting.filter((o) => o !== order);
    this.execute(order);
    this.drain();
  }

  /** While halted, placements and amends are refused; cancels and the end of the day go on. */
  setHalted(halted: boolean): void {
    this.halted = halted;
  }

  endOfDay(): void {
    const expiring = [
      ...this.bids(),
      ...this.asks(),
      ...this.stopsInTriggerOrder('B'),
      ...this.stopsInTriggerOrder('S'),
    ].filter((o) => o.tif === 'DAY');
    for (const order of expiring) this.end(order, 'expired', order.quantity - order.remaining);
  }

  startAuction(): void {
    this.auction = true;
  }

  /**
   * Every candidate price tried in turn with plain sums; the rules in the order the exchange applies them. Then the
   * heads of the best levels trade at that price, the side left over taking, until one side no longer reaches it.
   */
  uncross(): void {
    if (!this.auction || this.halted) return;
    this.auction = false;
    for (;;) {
      const bids = this.bids();
      const asks = this.asks();
      if (bids.length === 0 || asks.length === 0 || bids[0]!.price < asks[0]!.price) break;
      const prices = [...new Set(this.resting.map((o) => o.price))].sort((a, b) => a - b);
      const tried = prices
        .filter((p) => p >= asks[0]!.price && p <= bids[0]!.price)
        .map((p) => {
          const demand = bids.filter((o) => o.price >= p).reduce((sum, o) => sum + o.remaining, 0);
          const supply = asks.filter((o) => o.price <= p).reduce((sum, o) => sum + o.remaining, 0);
          return { p, volume: Math.min(demand, supply), surplus: demand - supply };
        });
      let best = tried.filter((t) => t.volume === Math.max(...tried.map((x) => x.volume)));
      best = best.filter((t) => Math.abs(t.surplus) === Math.min(...best.map((x) => Math.abs(x.surplus))));
      let chosen = best[0]!;
      if (best.every((t) => t.surplus > 0)) chosen = best[best.length - 1]!;
      else if (!best.every((t) => t.surplus < 0)) {
        const reference = this.lastPrice > 0 ? this.lastPrice : best[0]!.p;
        for (const t of best) if (Math.abs(t.p - reference) < Math.abs(chosen.p - reference)) chosen = t;
      }
      const buyersTake = chosen.surplus >= 0;
      let traded = false;
      for (;;) {
        const bid = this.bids()[0];
        const ask = this.asks()[0];
        if (bid === undefined || ask === undefined || bid.price < chosen.p || ask.price > chosen.p) break;
        const [taker, maker] = buyersTake ? [bid, ask] : [ask, bid];
        if (taker.account === maker.account) {
          this.selfTradeBetweenResting(taker, maker);
          continue;
        }
        const quantity = Math.min(taker.remaining, maker.remaining);
        this.trades.push([taker.id, maker.id, chosen.p, quantity]);
        this.lastPrice = chosen.p;
        traded = true;
        for (const order of [maker, taker]) {
          order.remaining -= quantity;
          if (order.remaining === 0) this.end(order, 'filled', order.quantity);
        }
      }
      if (traded) this.fireStops(chosen.p);
    }
    this.drain();
  }

  private selfTradeBetweenResting(taker: ModelOrder, maker: ModelOrder): void {
    if (taker.stp !== 'decrement') {
      if (taker.stp !== 'newest') this.end(maker, 'cancelled', 'self_trade_prevention');
      if (taker.stp !== 'oldest') this.end(taker, 'cancelled', 'self_trade_prevention');
      return;
    }
    const cut = Math.min(taker.remaining, maker.remaining);
    for (const order of [maker, taker]) {
      if (order.remaining === cut) this.end(order, 'cancelled', 'self_trade_prevention');
      else {
        order.remaining -= cut;
        order.quantity -= cut;
      }
    }
  }

  private fireStops(price: number): void {
    for (const side of ['B', 'S'] as const) {
      for (const stop of this.stopsInTriggerOrder(side)) {
        if (side === 'B' ? price < stop.stopPrice : price > stop.stopPrice) continue;
        this.waiting = this.waiting.filter((o) => o !== stop);
        this.queue.push(stop);
      }
    }
    this.trail(price);
  }
}
