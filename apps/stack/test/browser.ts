import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page, type Response } from 'playwright-core';
import { expect } from 'vitest';

/** Debian's Chromium, driven by playwright-core; never a downloaded browser. */
const CHROMIUM = '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (.ci/run does)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

export interface BrowserPage {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Uncaught errors of the page's scripts. */
  readonly errors: string[];
}

export async function newPage(browser: Browser, viewport = { width: 1280, height: 800 }): Promise<BrowserPage> {
  const context = await browser.newContext({ viewport, locale: 'pt-BR' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  return { context, page, errors };
}

/** The password of the traders `signUp` makes. */
export const BROWSER_PASSWORD = 'a browser password';

/**
 * Waits until the page's live stream `name` (the indicator `stream-<name>`, as the screens label it: `conta`,
 * `mercado`, `negócios`, `cotações`) says it is connected.
 */
export async function streamLive(page: Page, name: string, timeout?: number): Promise<void> {
  await page
    .getByTestId(`stream-${name}`)
    .and(page.locator('[data-state="live"]'))
    .waitFor(timeout === undefined ? {} : { timeout });
}

/** Signs a new trader up through the form and waits for the trading screen's account stream; returns the email. */
export async function signUp(page: Page, web: string, name: string): Promise<string> {
  const email = `${name.toLowerCase()}-${Date.now()}@example.test`;
  await page.goto(`${web}/signup`);
  await page.getByLabel('Nome').fill(name);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Senha').fill(BROWSER_PASSWORD);
  await page.getByRole('button', { name: 'Criar conta' }).click();
  await page.waitForURL('**/trade/PETR4');
  await streamLive(page, 'conta');
  return email;
}

export async function logIn(page: Page, web: string, email: string, password: string, next = '/'): Promise<void> {
  await page.goto(`${web}/login?next=${encodeURIComponent(next)}`);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Senha').fill(password);
  await page.getByRole('button', { name: 'Entrar' }).click();
}

/**
 * Delays the page's requests to `url` by `ms` (answers held back, as from a slow API) until `page.unroute(url)`,
 * which should come after the answers the test waits for: a request held when it comes may never be answered.
 * The page may give up on a request meanwhile (a stream it closed, a list it fetched again).
 */
export async function holdBack(page: Page, url: string | RegExp, ms: number): Promise<void> {
  await page.route(url, async (route) => {
    await new Promise((resolve) => setTimeout(resolve, ms));
    await route.continue().catch(() => undefined);
  });
}

/**
 * In a call auction, on two traders' PETR4 screens: a sell of 10 at 30,00 and a buy of 10 at 31,00, each sent, that
 * cross without trading; the book says they would trade at 31,00 (before any trade PETR4's reference price, 38,00, is
 * nearer it than 30,00).
 */
export async function crossInAuction(seller: Page, buyer: Page): Promise<void> {
  const buyerTicket = buyer.getByTestId('order-ticket');
  await ticket(seller, 'Vender', '30,00', '10');
  await expect
    .poll(() => seller.getByTestId('order-ticket').textContent(), { timeout: 5_000 })
    .toMatch(/Ordem enviada: venda 10 PETR4/);
  await ticket(buyer, 'Comprar', '31,00', '10');
  await expect.poll(() => buyerTicket.textContent(), { timeout: 5_000 }).toMatch(/Ordem enviada: compra 10 PETR4/);
  await expect
    .poll(() => buyer.getByTestId('auction-price').textContent(), { timeout: 10_000 })
    .toBe('preço teórico 31,00 · 10');
  expect(await buyer.getByTestId('time-and-sales').textContent()).not.toContain('31,00');
}

/** In a call auction, a market order on the screen's ticket: refused before sending, as it has nothing to do there. */
export async function expectAuctionRefusesMarket(page: Page): Promise<void> {
  const buyerTicket = page.getByTestId('order-ticket');
  await buyerTicket.getByLabel('Tipo').selectOption('market');
  await buyerTicket.getByLabel('Quantidade', { exact: true }).fill('5');
  await buyerTicket.getByLabel('Quantidade', { exact: true }).press('Enter');
  await expect
    .poll(() => buyerTicket.getByTestId('ticket-choice-error').textContent(), { timeout: 5_000 })
    .toBe('Não vale em leilão: só ordens que ficam no livro até ele terminar.');
  expect(await buyerTicket.getByTestId('market-confirm').count()).toBe(0);
}

/** On the market page, PETR4's theoretical price in the auction `crossInAuction` made, and VALE3's none. */
export async function expectTheoreticalPrices(page: Page, web: string): Promise<void> {
  await page.goto(`${web}/markets`);
  await expect
    .poll(() => page.getByTestId('quote-PETR4-theoretical').textContent(), { timeout: 10_000 })
    .toBe('31,00 · 10');
  expect(await page.getByTestId('quote-VALE3-theoretical').textContent()).toBe('—');
}

/**
 * Halts an instrument from the admin panel (`symbol` null: every instrument, the circuit breaker), saying why, and
 * waits until the panel shows it halted.
 */
export async function haltFromPanel(admin: Page, symbol: string | null, reason: string): Promise<void> {
  if (symbol === null) await admin.getByRole('button', { name: 'Suspender todos' }).click();
  else await admin.getByTestId(`control-${symbol}`).getByRole('button', { name: 'Suspender' }).click();
  const confirm = admin.getByRole('button', { name: `Confirmar: suspender ${symbol ?? 'todos'}` });
  // Nothing is sent without a reason.
  expect(await confirm.isDisabled()).toBe(true);
  await admin.getByLabel(`Motivo da suspensão de ${symbol ?? 'todos os ativos'}`).fill(reason);
  await confirm.click();
  const controls = admin.getByTestId(symbol === null ? 'trading-controls' : `control-${symbol}`);
  await expect.poll(() => controls.textContent(), { timeout: 5_000 }).toContain(reason);
}

/**
 * An order through the ticket, as a trader types it. It returns once the API has answered it, as a trader reads the
 * answer before the next: the ticket sends nothing while an order is on its way. The answer must have the status
 * `expected` (202: accepted), or none reach the page when `expected` is null (its own checks refused the order, or
 * the answer was lost on the way), so that a test fails where the order went wrong, saying what the API answered,
 * not later on a screen that never changed.
 */
export async function ticket(
  page: Page,
  side: 'Comprar' | 'Vender',
  price: string,
  quantity: string,
  expected: number | null = 202,
): Promise<void> {
  const form = page.getByTestId('order-ticket');
  const sending = form.locator('form[aria-busy="true"]');
  await sending.waitFor({ state: 'hidden', timeout: 10_000 });
  await form.getByRole('button', { name: side, exact: true }).click();
  await form.getByLabel('Preço', { exact: true }).fill(price);
  await form.getByLabel('Quantidade', { exact: true }).fill(quantity);
  const answers: Response[] = [];
  const answered = (response: Response) => {
    const request = response.request();
    if (request.method() === 'POST' && new URL(response.url()).pathname === '/api/orders') answers.push(response);
  };
  page.on('response', answered);
  try {
    // Enter submits, as in a broker's ticket.
    await form.getByLabel('Quantidade', { exact: true }).press('Enter');
    await sending.waitFor({ state: 'hidden', timeout: 10_000 });
  } finally {
    page.off('response', answered);
  }
  const answer = answers.at(-1);
  const said = answer === undefined ? 'the page sent no order' : `${answer.status()} ${await answer.text()}`;
  expect(answer?.status() ?? null, `${side} ${quantity} at ${price}: ${said}`).toBe(expected);
}

export const PROGRAM_PASSWORD = 'a program pass';

/** A trader as a program: an account with an API key, made over the API (`email` to log in as it too). */
export async function programAccount(
  api: string,
  name: string,
  email = `${name.toLowerCase()}-${Date.now()}@example.test`,
): Promise<string> {
  const created = await fetch(`${api}/api/accounts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, email, password: PROGRAM_PASSWORD }),
  });
  return ((await created.json()) as { apiKey: string }).apiKey;
}

/** A limit order placed by a program. */
export async function program(
  api: string,
  apiKey: string,
  side: 'buy' | 'sell',
  symbol: string,
  price: string,
  quantity: string,
): Promise<void> {
  const placed = await fetch(`${api}/api/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
    body: JSON.stringify({ symbol, side, type: 'limit', price, quantity }),
  });
  expect(placed.status).toBe(202);
}

/**
 * A time zone where it is about noon now (an `Etc/GMT` one: those are named by the offset with its sign turned, so
 * Etc/GMT-3 is UTC+3), so a test can set trading hours minutes from now without meeting midnight: its name, how many
 * hours it is ahead of UTC, and the local minute now.
 */
export function aroundNoon(now = new Date()): { timeZone: string; hoursAhead: number; minute: number } {
  const hoursAhead = 12 - now.getUTCHours();
  return {
    timeZone: hoursAhead === 0 ? 'UTC' : `Etc/GMT${hoursAhead > 0 ? '-' : '+'}${Math.abs(hoursAhead)}`,
    hoursAhead,
    minute: 12 * 60 + now.getUTCMinutes(),
  };
}
