import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchStack, type LaunchedStack } from '../bench/launch.js';
import {
  aroundNoon,
  crossInAuction,
  expectAuctionRefusesMarket,
  expectTheoreticalPrices,
  launchChromium,
  newPage,
  signUp,
} from './browser.js';

/**
 * The pre-opening call auction, on the real clock: the platform trades every day in a zone where it is about noon
 * as the test runs, opening at the third minute boundary from now after a pre-opening of fifteen minutes. So the
 * test starts in the auction, and the exchange's own clock opens it a few minutes later.
 */
const zone = aroundNoon();
const openMinute = zone.minute + 3;
const pad = (value: number) => String(value).padStart(2, '0');
const opensAt = `${pad(Math.floor(openMinute / 60))}:${pad(openMinute % 60)}`;
/** Where its screenshot goes; `SCREENSHOTS_DIR=../web/screenshots` refreshes the one in the README. */
const SCREENSHOTS = resolve(process.env['SCREENSHOTS_DIR'] ?? join(tmpdir(), 'bolsa-screenshots'));
let stack: LaunchedStack;
let browser: Browser;

beforeAll(async () => {
  [stack, browser] = await Promise.all([
    launchStack({
      MARKET_OPEN: opensAt,
      MARKET_PREOPENING_MINUTES: '15',
      MARKET_CLOSE: '23:59',
      MARKET_TIMEZONE: zone.timeZone,
      MARKET_DAYS: 'sun-sat',
      MARKET_HOLIDAYS: '',
      MARKET_LATE_OPENINGS: '',
    }),
    launchChromium(),
  ]);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('the pre-opening call auction', () => {
  it('says so, holds crossing orders with the theoretical price on the book, refuses a market order, then opens', async () => {
    const seller = await newPage(browser);
    const buyer = await newPage(browser);
    await signUp(seller.page, stack.web, 'Leiloeira');
    await signUp(buyer.page, stack.web, 'Arrematante');
    const buyerTicket = buyer.page.getByTestId('order-ticket');
    await expect
      .poll(() => buyerTicket.getByTestId('ticket-auction').textContent(), { timeout: 10_000 })
      .toMatch(new RegExp(`^Leilão de pré-abertura até .*${opensAt}`));

    // Crossed and not traded: the book says what would trade at the opening, and at what price.
    await crossInAuction(seller.page, buyer.page);
    // The market page shows every instrument's theoretical price while the auction runs.
    await expectTheoreticalPrices(seller.page, stack.web);
    // The buy holds its cash while it waits, as any resting order does: 10 × 31,00 and the fee.
    await expect
      .poll(() => buyer.page.getByTestId('cash-available').textContent(), { timeout: 10_000 })
      .toBe('R$\u00a099.689,91');
    mkdirSync(SCREENSHOTS, { recursive: true });
    await buyer.page.screenshot({ path: join(SCREENSHOTS, 'pre-opening.png') });

    // A market order has nothing to do in the auction: the ticket says so and sends nothing.
    await expectAuctionRefusesMarket(buyer.page);

    // The exchange's clock opens it: both orders trade at 31,00, and the screen trades continuously.
    await expect
      .poll(() => buyer.page.getByTestId('time-and-sales').textContent(), { timeout: 240_000, interval: 1_000 })
      .toContain('31,00');
    await expect.poll(() => buyer.page.getByTestId('spread').textContent(), { timeout: 10_000 }).toBe('spread —');
    await expect.poll(() => buyerTicket.getByTestId('ticket-auction').count(), { timeout: 10_000 }).toBe(0);
    expect([...seller.errors, ...buyer.errors]).toEqual([]);
  }, 300_000);
});
