import { Inject, Injectable } from '@nestjs/common';
import {
  aYearOn,
  goodTillProblem,
  refusedInAuction,
  type AuctionKind,
  type FieldError,
  type OrderFields,
} from '@bolsa/contracts';
import { API_CONFIG, type ApiConfig } from '../config.js';
import { ApiError } from '../errors/api-error.js';
import { ApiMetrics } from '../observability/metrics.js';
import { ClosedDays } from './closed-days.js';
import {
  auctionPhase,
  continuousTradingEnd,
  openingInstant,
  isTradingDay,
  isTradingHours,
  localTime,
  nextClosingDay,
  nextOpening,
  type AuctionPhase,
  type ClosedDayList,
} from './trading-clock.js';

const AUCTION_NAMES: Record<AuctionKind, string> = {
  opening: 'pre-opening',
  closing: 'closing',
  reopening: 'reopening',
  volatility: 'volatility',
};

/**
 * In a call auction ending at `endsAt`, the refusal of an order that could only take at once or only make
 * (`409 auction_call`): it would have nothing to do until then.
 */
export function auctionCallRefusal(kind: AuctionKind, endsAt: Date): ApiError {
  const at = endsAt.toISOString();
  return new ApiError(
    'auction_call',
    `the ${AUCTION_NAMES[kind]} call auction takes only orders that can rest (no market, IOC, FOK or post-only) until ${at}`,
    { auction: kind, endsAt: at },
  );
}

/**
 * The exchange's trading hours (`MARKET_OPEN` to `MARKET_CLOSE` on trading days): outside them new orders and amends
 * are refused, cancels taken, as a real exchange's gateway does. A day an administrator has closed early trades no
 * more: it opens again on the next trading day. Without `MARKET_OPEN` it is always open (an administrator's close
 * expires the DAY orders, no more). The clock is each API process's own: an order it records before the close may
 * reach the book a moment after it, as one in flight does on any exchange; once the book has the close (its
 * `end_of_day` says it ends trading), what was recorded before it and comes later is rejected there.
 */
@Injectable()
export class MarketHours {
  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    @Inject(ClosedDays) private readonly closedDays: ClosedDayList,
    @Inject(ApiMetrics) metrics?: ApiMetrics,
  ) {
    metrics?.watchMarketHours(
      () => this.isOpen(),
      () => this.auction()?.kind ?? null,
    );
  }

  isOpen(now = new Date()): boolean {
    const { marketClose: close, marketOpen: opening } = this.config;
    return close === null || opening === null || isTradingHours(now, close, opening, this.closedDays);
  }

  /**
   * Whether `now` is on a trading day before its closing time, whatever closes were made (its opening may still be
   * ahead); false without trading hours.
   */
  dayNotOver(now = new Date()): boolean {
    const { marketClose: close, marketOpen: opening } = this.config;
    if (close === null || opening === null) return false;
    const local = localTime(now, close.timeZone);
    return isTradingDay(local.day, close) && local.minute < close.minute;
  }

  /** The call auction in progress (the pre-opening or the closing call), and when it ends; null in continuous trading. */
  auction(now = new Date()): AuctionPhase | null {
    const { marketClose: close, marketOpen: opening } = this.config;
    return close === null || opening === null ? null : auctionPhase(now, close, opening, this.closedDays);
  }

  /** During a call auction, when it ends (the opening, or the close): orders recorded then wait for it. */
  auctionEndsAt(now = new Date()): Date | null {
    return this.auction(now)?.endsAt ?? null;
  }

  /**
   * In a call auction, the refusal of an order that could only take at once or only make (`409 auction_call`, naming
   * when the auction ends): it would have nothing to do until then.
   */
  auctionRefusal(
    order: Pick<OrderFields, 'orderType' | 'timeInForce' | 'postOnly'>,
    now = new Date(),
  ): ApiError | null {
    if (!refusedInAuction(order)) return null;
    const auction = this.auction(now);
    return auction === null ? null : auctionCallRefusal(auction.kind, auction.endsAt);
  }

  /**
   * When an instrument resumed at `now` after a halt reopens: after MARKET_REOPENING_SECONDS of call auction, cut
   * short where continuous trading ends (the closing call, or the close). Null when it resumes trading at once: no
   * reopening call is set, the exchange is closed, or one of the day's own call auctions is on (the book is in it).
   */
  reopeningEnd(now = new Date()): Date | null {
    const { marketClose: close, marketOpen: opening, reopeningMs } = this.config;
    if (reopeningMs === 0 || !this.isOpen(now) || this.auction(now) !== null) return null;
    const end = new Date(now.getTime() + reopeningMs);
    if (close === null || opening === null) return end;
    const continuousEnds = continuousTradingEnd(localTime(now, close.timeZone).day, close, opening);
    return continuousEnds < end ? continuousEnds : end;
  }

  /** The instant a trading day opens (after its pre-opening, if it has one); null without trading hours. */
  openingOf(day: string): Date | null {
    const { marketClose: close, marketOpen: opening } = this.config;
    return close === null || opening === null ? null : openingInstant(day, close, opening);
  }

  /** While closed, when it opens next; null while open (or always open). */
  nextOpen(now = new Date()): Date | null {
    return this.isOpen(now) ? null : this.opening(now);
  }

  /** Outside trading hours, the refusal of a new order or amend (`409 market_closed`, naming when it opens). */
  refusal(now = new Date()): ApiError | null {
    if (this.isOpen(now)) return null;
    const opens = this.opening(now);
    return new ApiError(
      'market_closed',
      `the exchange is closed${opens === null ? '' : ` until ${opens.toISOString()}`}; cancels are still taken`,
      { opensAt: opens?.toISOString() ?? null },
    );
  }

  /** The next opening after `now`, open or not; null without trading hours. */
  private opening(now: Date): Date | null {
    const { marketClose: close, marketOpen: opening } = this.config;
    return close === null || opening === null ? null : nextOpening(now, close, opening, this.closedDays);
  }

  /**
   * Why a GTD order placed at `now` cannot be good till `day`: the day's close is already past (`past`: the first
   * day it can live through is the next the clock closes, or with no clock today), it is no trading day, or it is
   * more than a year ahead (`too_far`); null when it can.
   */
  goodTillProblem(day: string, now = new Date()): FieldError | null {
    const close = this.config.marketClose;
    const today = localTime(now, this.config.marketTimeZone).day;
    // No trading day within a year (null): no day passes; today stands in for the first.
    const firstDay = (close === null ? today : nextClosingDay(now, close, this.closedDays.has(today))) ?? today;
    const code = goodTillProblem(day, {
      firstDay,
      today,
      isTradingDay: (candidate) => close === null || isTradingDay(candidate, close),
    });
    if (code === null) return null;
    const message = {
      past: `must be ${firstDay} or later: earlier days have closed`,
      not_a_trading_day: 'must be a trading day',
      too_far: `must be at most a year ahead (${aYearOn(today)})`,
    }[code];
    return { field: 'expiresOn', code, message: `expiresOn ${message}` };
  }

  refuseIfClosed(now = new Date()): void {
    const refusal = this.refusal(now);
    if (refusal !== null) throw refusal;
  }
}
