import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchStack, type LaunchedStack } from '../bench/launch.js';
import { aroundNoon, launchChromium, newPage, signUp, ticket } from './browser.js';

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

    await ticket(seller.page, 'Vender', '30,00', '10');
    await expect
      .poll(() => seller.page.getByTestId('order-ticket').textContent(), { timeout: 5_000 })
      .toMatch(/Ordem enviada: venda 10 PETR4/);
    await ticket(buyer.page, 'Comprar', '31,00', '10');
    await expect.poll(() => buyerTicket.textContent(), { timeout: 5_000 }).toMatch(/Ordem enviada: compra 10 PETR4/);
    // Crossed and not traded: the book says what would trade at the opening, and at what price: 10 trade at 30,00 or
    // 31,00 with none left over, and before any trade PETR4's reference price (38,00) is nearer 31,00.
    await expect
      .poll(() => buyer.page.getByTestId('auction-price').textContent(), { timeout: 10_000 })
      .toBe('preço teórico 31,00 · 10');
    expect(await buyer.page.getByTestId('time-and-sales').textContent()).not.toContain('31,00');
    // The market page shows every instrument's theoretical price while the auction runs.
    await seller.page.goto(`${stack.web}/markets`);
    await expect
      .poll(() => seller.page.getByTestId('quote-PETR4-theoretical').textContent(), { timeout: 10_000 })
      .toBe('31,00 · 10');
    expect(await seller.page.getByTestId('quote-VALE3-theoretical').textContent()).toBe('—');
    // The buy holds its cash while it waits, as any resting order does: 10 × 31,00 and the fee.
    await expect
      .poll(() => buyer.page.getByTestId('cash-available').textContent(), { timeout: 10_000 })
      .toBe('R$\u00a099.689,91');
    mkdirSync(SCREENSHOTS, { recursive: true });
    await buyer.page.screenshot({ path: join(SCREENSHOTS, 'pre-opening.png') });

    // A market order has nothing to do in the auction: the ticket says so and sends nothing.
    await buyerTicket.getByLabel('Tipo').selectOption('market');
    await buyerTicket.getByLabel('Quantidade', { exact: true }).fill('5');
    await buyerTicket.getByLabel('Quantidade', { exact: true }).press('Enter');
    await expect
      .poll(() => buyerTicket.getByTestId('ticket-choice-error').textContent(), { timeout: 5_000 })
      .toBe('Não vale em leilão: só ordens que ficam no livro até ele terminar.');
    expect(await buyerTicket.getByTestId('market-confirm').count()).toBe(0);

    // The exchange's clock opens it: both orders trade at 31,00, and the screen trades continuously.
    await expect
      .poll(() => buyer.page.getByTestId('time-and-sales').textContent(), { timeout: 240_000, interval: 1_000 })
      .toContain('31,00');
    await expect.poll(() => buyer.page.getByTestId('spread').textContent(), { timeout: 10_000 }).toBe('spread —');
    await expect.poll(() => buyerTicket.getByTestId('ticket-auction').count(), { timeout: 10_000 }).toBe(0);
    expect([...seller.errors, ...buyer.errors]).toEqual([]);
  }, 300_000);
});
