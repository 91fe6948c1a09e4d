import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cashHoldFor, FeeSchedule, formatCents, parsePrice, WalletView, type InstrumentView } from '@bolsa/contracts';
import { z } from 'zod';
import { Inventory } from './inventory.js';
import { OrderFollower } from './order-follower.js';

/** Where an instrument's random walk starts when it has never traded and the exchange gives no reference (cents). */
const FALLBACK_PRICE = 2000;
const BOTS = 4;

/**
 * How long a bot's quote rests before it is moved to the price (an amend), and before it is cancelled; and how long
 * a bot whose account the exchange suspended sits out before it tries again.
 */
export interface QuoteTimes {
  readonly repriceAfterMs: number;
  readonly cancelAfterMs: number;
  readonly suspendedPauseMs?: number;
}

const QUOTE_TIMES: QuoteTimes = { repriceAfterMs: 20_000, cancelAfterMs: 45_000 };
const SUSPENDED_PAUSE_MS = 30_000;
/** The longest the bots wait on a closed exchange before they try again (it may open earlier than it said). */
const CLOSED_PAUSE_MAX_MS = 60_000;
/** How long a bot remembers an order that ended before its placement was answered. */
const ENDED_FIRST_MS = 60_000;
/** How often each bot reads its wallet again: what fills and cancels have freed counts from then. */
const WALLET_READ_EVERY_MS = 5_000;
/** What a bot short of cash deposits (demo money). */
const DEPOSIT_CENTS = 10_000_000;

const SavedBots = z.array(z.object({ name: z.string(), apiKey: z.string() }));
interface Quote {
  readonly orderId: string;
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly quantity: number;
  price: number;
  readonly at: number;
  repriced: boolean;
}
/** What a refusal says that the bots act on. */
interface Refusal {
  readonly code?: string;
  readonly details?: { readonly opensAt?: string | null };
}
type Bot = z.infer<typeof SavedBots>[number] & {
  open: Quote[];
  /** What it can offer without being refused: it sells only shares it holds, and buys only with cash it has. */
  inventory: Inventory;
  /** Orders that ended before their placement's answer came back, by when they ended: never quotes. */
  endedFirst: Map<string, number>;
  follower?: OrderFollower;
  sitsOutUntil?: number;
};

/**
 * A gentle market: a few bot accounts trading through the public HTTP API (as any program would), quoting around
 * a random-walk price per instrument and now and then crossing the spread, so the screens have something to show
 * on first launch. A quote that has rested a while is moved to the price once (an amend, as a market maker
 * reprices), and cancelled later. Each bot follows its own orders' stream, so a quote that traded away or was
 * cancelled is forgotten rather than amended or cancelled again. The bots' API keys are kept in a file so restarts
 * reuse the same accounts.
 */
export class MarketSimulator {
  private bots: Bot[] = [];
  private mids = new Map<string, number>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private inFlight = 0;
  /** While the exchange is closed (outside its trading hours), when the bots try again. */
  private closedUntil = 0;
  /** The larger of the exchange's two fees: what a buy holds cash for besides its price. */
  private feeBps = 0;

  constructor(
    private readonly apiUrl: string,
    private readonly botsFile: string,
    private readonly ordersPerSecond: number,
    private readonly times: QuoteTimes = QUOTE_TIMES,
  ) {}

  async start(): Promise<void> {
    this.bots = await this.loadOrCreateBots();
    const instruments = (await this.call<InstrumentView[]>('GET', '/api/instruments')).body;
    for (const { symbol, referencePrice } of instruments) {
      const ticker = (await this.call<{ last: string | null }>('GET', `/api/markets/${symbol}/ticker`)).body;
      const start = parsePrice(ticker.last ?? referencePrice, 1);
      this.mids.set(symbol, start.ok ? start.value : FALLBACK_PRICE);
    }
    const fees = FeeSchedule.parse((await this.call('GET', '/api/fees')).body);
    this.feeBps = Math.max(fees.makerBps, fees.takerBps);
    await Promise.all(this.bots.map((bot) => this.readWallet(bot)));
    // Following before trading: an order that fills at once is seen to end.
    await Promise.all(
      this.bots.map((bot) => {
        bot.follower = new OrderFollower(`${this.apiUrl}/api/stream/orders`, bot.apiKey, (orderId) =>
          this.ended(bot, orderId),
        );
        return bot.follower.start();
      }),
    );
    this.timer = setInterval(() => void this.step(), 1000 / this.ordersPerSecond);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    while (this.inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 20));
    await Promise.all(this.bots.map((bot) => bot.follower?.stop()));
  }

  /** One of the bot's orders ended (its stream said so): a quote no more, or never one if its answer is still due. */
  private ended(bot: Bot, orderId: string): void {
    const quote = bot.open.findIndex((open) => open.orderId === orderId);
    if (quote >= 0) {
      bot.open.splice(quote, 1);
      return;
    }
    const now = Date.now();
    for (const [id, at] of bot.endedFirst) {
      if (at > now - ENDED_FIRST_MS) break;
      bot.endedFirst.delete(id);
    }
    bot.endedFirst.set(orderId, now);
  }

  private async step(): Promise<void> {
    if (this.inFlight > 4) return;
    this.inFlight++;
    try {
      if (this.closedUntil > Date.now()) return;
      const bot = this.bots[Math.floor(Math.random() * this.bots.length)]!;
      if ((bot.sitsOutUntil ?? 0) > Date.now() || bot.inventory.isReading) return;
      if (bot.inventory.due(Date.now(), WALLET_READ_EVERY_MS)) {
        await this.readWallet(bot);
        return;
      }
      const age = (quote: Quote) => Date.now() - quote.at;
      const expired = bot.open.find((quote) => age(quote) > this.times.cancelAfterMs);
      if (expired !== undefined) {
        bot.open = bot.open.filter((quote) => quote !== expired);
        await bot.inventory.send(() => this.call('DELETE', `/api/orders/${expired.orderId}`, undefined, bot.apiKey));
        return;
      }
      const stale = bot.open.find((quote) => !quote.repriced && age(quote) > this.times.repriceAfterMs);
      if (stale !== undefined) {
        await this.reprice(bot, stale);
        return;
      }
      await this.quote(bot);
    } catch {
      // The API restarting: the next step tries again.
    } finally {
      this.inFlight--;
    }
  }

  /** A new quote of the bot's in a random instrument, or an order through the mid; within what the bot holds. */
  private async quote(bot: Bot): Promise<void> {
    const symbols = [...this.mids.keys()];
    const symbol = symbols[Math.floor(Math.random() * symbols.length)]!;
    const mid = Math.max(100, this.mids.get(symbol)! + Math.round((Math.random() - 0.5) * 6));
    this.mids.set(symbol, mid);
    const wanted = 1 + Math.floor(Math.random() * 20);
    // A bot with none of the shares free buys instead, as a market maker out of stock only bids.
    const sold = Math.random() < 0.5 ? bot.inventory.takeShares(symbol, wanted) : 0;
    const side = sold > 0 ? 'sell' : 'buy';
    const quantity = sold > 0 ? sold : wanted;
    // A crossing order reaches 10 ticks through the mid, so it trades.
    const crossing = Math.random() < 0.3;
    const price = crossing ? quotePrice(side, mid, -10) : quotePrice(side, mid);
    if (side === 'buy' && !bot.inventory.takeCash(this.cashFor(quantity, price))) {
      await this.deposit(bot);
      return;
    }
    const response = await bot.inventory.send(() =>
      this.call<{ orderId: string } & Refusal>(
        'POST',
        '/api/orders',
        { symbol, side, type: 'limit', price: formatCents(price), quantity: String(quantity) },
        bot.apiKey,
      ),
    );
    if (response.status === 202) {
      const { orderId } = response.body;
      if (!bot.endedFirst.delete(orderId)) {
        bot.open.push({ orderId, symbol, side, quantity, price, at: Date.now(), repriced: false });
      }
    } else if (response.status === 403) {
      this.sitOut(bot);
    } else if (response.body.code === 'market_closed') {
      this.waitForOpening(response.body.details?.opensAt ?? null);
    } else if (response.status === 422 && side === 'buy') {
      await this.deposit(bot);
    }
  }

  /** Moves a resting quote to the instrument's price as it is now; one that has ended is forgotten. */
  private async reprice(bot: Bot, quote: Quote): Promise<void> {
    quote.repriced = true;
    const price = quotePrice(quote.side, this.mids.get(quote.symbol)!);
    if (price === quote.price) return;
    // A buy moved up holds more cash: the bot moves it only with that much free.
    const more =
      quote.side === 'buy' ? this.cashFor(quote.quantity, price) - this.cashFor(quote.quantity, quote.price) : 0;
    if (more > 0 && !bot.inventory.takeCash(more)) return;
    const answer = await bot.inventory.send(() =>
      this.call<Refusal>('PATCH', `/api/orders/${quote.orderId}`, { price: formatCents(price) }, bot.apiKey),
    );
    if (answer.status === 202) quote.price = price;
    else if (answer.status === 403) this.sitOut(bot);
    else if (answer.body.code === 'market_closed') this.waitForOpening(answer.body.details?.opensAt ?? null);
    else if (answer.status === 404 || answer.status === 409) bot.open = bot.open.filter((q) => q !== quote);
  }

  /** Cash a buy of `quantity` at `price` holds: its value and the largest fee it could be charged. */
  private cashFor(quantity: number, price: number): number {
    return Number(cashHoldFor(BigInt(quantity), BigInt(price), this.feeBps));
  }

  /** Demo money for a bot short of cash; what was deposited is free from the answer on. */
  private async deposit(bot: Bot): Promise<void> {
    const answer = await bot.inventory.send(() =>
      this.call('POST', '/api/me/deposits', { amount: formatCents(DEPOSIT_CENTS) }, bot.apiKey),
    );
    if (answer.status >= 200 && answer.status < 300) bot.inventory.addCash(DEPOSIT_CENTS);
  }

  /** Brings the bot's inventory up to its wallet; one that cannot be read (the API restarting, say) leaves it. */
  private readWallet(bot: Bot): Promise<void> {
    return bot.inventory.refresh(Date.now(), async () => {
      const answer = await this.call('GET', '/api/me/wallet', undefined, bot.apiKey).catch(() => null);
      const wallet = answer?.status === 200 ? WalletView.safeParse(answer.body) : null;
      return wallet?.success === true ? wallet.data : null;
    });
  }

  /** The bots sitting out because the exchange suspended their accounts. */
  get suspendedBots(): string[] {
    return this.bots.filter((bot) => (bot.sitsOutUntil ?? 0) > Date.now()).map((bot) => bot.name);
  }

  /**
   * A bot refused as suspended (403: the exchange cancelled its orders) stops sending, rather than being refused a
   * few times a second, and tries again after a pause: the suspension may have been lifted by then.
   */
  private sitOut(bot: Bot): void {
    bot.open = [];
    bot.sitsOutUntil = Date.now() + (this.times.suspendedPauseMs ?? SUSPENDED_PAUSE_MS);
  }

  /**
   * Refused because the exchange is closed: every bot stops sending until it opens (or a minute, whichever is
   * sooner), rather than being refused a few times a second all night.
   */
  private waitForOpening(opensAt: string | null): void {
    const opens = opensAt === null ? Number.NaN : Date.parse(opensAt);
    const wait = Number.isNaN(opens) ? CLOSED_PAUSE_MAX_MS : Math.min(opens - Date.now(), CLOSED_PAUSE_MAX_MS);
    this.closedUntil = Date.now() + Math.max(wait, 1_000);
  }

  private async loadOrCreateBots(): Promise<Bot[]> {
    if (existsSync(this.botsFile)) {
      const saved = SavedBots.parse(JSON.parse(readFileSync(this.botsFile, 'utf8')));
      const alive = await Promise.all(
        saved.map(async (bot) => (await this.call('GET', '/api/accounts/me', undefined, bot.apiKey)).status === 200),
      );
      if (alive.every(Boolean) && saved.length > 0) {
        return saved.map(({ name, apiKey }) => newBot(name, apiKey));
      }
    }
    const run = randomBytes(3).toString('hex');
    const bots: Bot[] = [];
    for (let i = 1; i <= BOTS; i++) {
      const name = `Robô ${i}`;
      const created = await this.call<{ apiKey: string }>('POST', '/api/accounts', {
        name,
        email: `bot-${i}-${run}@simulator.bolsa.local`,
        password: randomBytes(24).toString('base64url'),
      });
      if (created.status !== 201) throw new Error(`the simulator could not create its bots (HTTP ${created.status})`);
      bots.push(newBot(name, created.body.apiKey));
    }
    writeFileSync(this.botsFile, JSON.stringify(bots.map(({ name, apiKey }) => ({ name, apiKey }))), { mode: 0o600 });
    return bots;
  }

  private async call<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    apiKey?: string,
  ): Promise<{ status: number; body: T }> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (apiKey !== undefined) headers['authorization'] = `Bearer ${apiKey}`;
    const response = await fetch(`${this.apiUrl}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: (text === '' ? null : JSON.parse(text)) as T };
  }
}

/** A bot as it starts trading: no quotes yet, its inventory read before its first order. */
function newBot(name: string, apiKey: string): Bot {
  return { name, apiKey, open: [], endedFirst: new Map(), inventory: new Inventory() };
}

/** A quote 1-8 ticks from the mid on its own side (`offset` ticks when given; negative crosses the mid). */
function quotePrice(side: 'buy' | 'sell', mid: number, offset = 1 + Math.floor(Math.random() * 8)): number {
  return Math.max(100, side === 'buy' ? mid - offset : mid + offset);
}
