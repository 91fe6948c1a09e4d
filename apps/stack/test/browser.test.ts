import { mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchStack, type LaunchedStack } from '../bench/launch.js';
import {
  BROWSER_PASSWORD,
  haltFromPanel,
  holdBack,
  launchChromium,
  logIn,
  newPage,
  program,
  programAccount,
  PROGRAM_PASSWORD,
  signUp,
  ticket,
} from './browser.js';

/**
 * The home broker in a real browser (Debian's Chromium driven by playwright-core) against the whole embedded
 * stack: two traders trade with each other through the screens, and the admin panel watches.
 */
const ADMIN = { email: 'panel@example.test', password: 'browser admin pass' };
/** Screenshots go here; `SCREENSHOTS_DIR=../web/screenshots` refreshes the ones in the README. */
const SCREENSHOTS = resolve(process.env['SCREENSHOTS_DIR'] ?? join(tmpdir(), 'bolsa-screenshots'));

let stack: LaunchedStack;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  [stack, browser] = await Promise.all([
    launchStack({ ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password }),
    launchChromium(),
  ]);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/** Opens the details of the newest order in the history tab (a click on its time). */
async function openNewestInHistory(page: Page): Promise<void> {
  const time = /^\d\d:\d\d:\d\d$/;
  await page.getByTestId('order-history').getByTestId('order-row').first().getByRole('button', { name: time }).click();
}

describe('the home broker and the admin panel in a browser', () => {
  it('lets two traders trade through the screens while the admin panel watches', { timeout: 180_000 }, async () => {
    const seller = await newPage(browser);
    const buyer = await newPage(browser);
    const admin = await newPage(browser);
    const sellerEmail = await signUp(seller.page, stack.web, 'Vendedora');
    await signUp(buyer.page, stack.web, 'Comprador');
    // An e-mail that has an account already is refused on its field, in Portuguese.
    const again = await newPage(browser);
    await again.page.goto(`${stack.web}/signup`);
    await again.page.getByLabel('Nome').fill('Outra Vendedora');
    await again.page.getByLabel('E-mail').fill(sellerEmail);
    await again.page.getByLabel('Senha').fill('another browser password');
    await again.page.getByRole('button', { name: 'Criar conta' }).click();
    await expect
      .poll(() => again.page.getByText('Já existe uma conta com este e-mail.').count(), { timeout: 5_000 })
      .toBe(1);
    await again.context.close();

    await logIn(admin.page, stack.web, ADMIN.email, ADMIN.password, '/admin');
    await admin.page.waitForURL('**/admin');
    await admin.page.getByTestId('stream-negócios').and(admin.page.locator('[data-state="live"]')).waitFor();

    // The buyer deposits demo money.
    await buyer.page.getByLabel('Valor do depósito').fill('2500,00');
    await buyer.page.getByRole('button', { name: 'Depositar' }).click();
    await expect.poll(() => buyer.page.getByTestId('cash-available').textContent()).toBe('R$\u00a0102.500,00');

    // A market buy shows its protection price (10% above PETR4's reference price, 38,00, before its first trade) and
    // what it sets aside (its quantity at that price, plus the fee); when that is more than the cash, the API's
    // refusal says so, in Portuguese, with both amounts.
    const buyerTicket = buyer.page.getByTestId('order-ticket');
    await buyerTicket.getByLabel('Tipo').selectOption('market');
    await buyerTicket.getByLabel('Quantidade', { exact: true }).fill('2500');
    await expect.poll(() => buyerTicket.getByTestId('ticket-protection').textContent()).toBe('R$\u00a041,80');
    await expect.poll(() => buyerTicket.getByTestId('ticket-hold').textContent()).toBe('R$\u00a0104.531,35');
    await buyerTicket.getByLabel('Quantidade', { exact: true }).press('Enter');
    await buyerTicket.getByTestId('market-confirm').waitFor();
    await buyerTicket.getByLabel('Quantidade', { exact: true }).press('Enter');
    await expect
      .poll(() => buyer.page.getByTestId('ticket-quantity-error').textContent())
      .toBe('Saldo insuficiente: a ordem precisa de R$\u00a0104.531,35 e há R$\u00a0102.500,00 disponíveis.');
    await buyerTicket.getByLabel('Tipo').selectOption('limit');
    await expect(buyerTicket.getByTestId('ticket-hold').count()).resolves.toBe(0);

    // A validation error is shown on the field it is about, before anything is sent…
    await ticket(seller.page, 'Vender', '40,005', '10', null);
    await expect
      .poll(() => seller.page.getByTestId('ticket-price-error').textContent())
      .toBe('Use no máximo 2 casas decimais.');
    // …and so is the API's refusal: more shares than the seller has.
    await ticket(seller.page, 'Vender', '40,00', '5000', 422);
    await expect
      .poll(() => seller.page.getByTestId('ticket-quantity-error').textContent())
      .toMatch(/^Ações PETR4 insuficientes: a ordem precisa de 5\.000 e há [\d.]+ livres\.$/);

    // The seller's limit order rests and shows among the open orders and in the book.
    await ticket(seller.page, 'Vender', '40,00', '10');
    const openOrders = seller.page.getByTestId('open-orders').getByTestId('order-row');
    await expect.poll(() => openOrders.count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => seller.page.getByTestId('asks').textContent()).toContain('40,00');
    await expect.poll(() => buyer.page.getByTestId('asks').textContent()).toContain('40,00');
    // The seller sees their own order marked on its level; the buyer sees the level unmarked.
    await expect
      .poll(() => seller.page.getByTestId('asks').getByTestId('own-level').getAttribute('title'), { timeout: 5_000 })
      .toBe('Suas ordens neste preço: 10');
    expect(await buyer.page.getByTestId('own-level').count()).toBe(0);

    // The buyer crosses it by clicking the price in the book.
    await buyer.page.getByTestId('asks').getByRole('button', { name: /40,00/ }).click();
    await expect.poll(() => buyer.page.getByLabel('Preço', { exact: true }).inputValue()).toBe('40,00');
    await ticket(buyer.page, 'Comprar', '40,00', '10');

    // Each trader is told of their execution as it happens (the notice stays 6 s; the fill may take a few).
    await Promise.all([
      expect
        .poll(() => buyer.page.getByTestId('fill-notice').allTextContents(), { timeout: 5_000 })
        .toContain('Compra executada: 10 PETR4 a R$\u00a040,00'),
      expect
        .poll(() => seller.page.getByTestId('fill-notice').allTextContents(), { timeout: 5_000 })
        .toContain('Venda executada: 10 PETR4 a R$\u00a040,00'),
    ]);

    for (const { page } of [seller, buyer]) {
      await expect.poll(() => page.getByTestId('time-and-sales').textContent()).toContain('40,00');
      await expect.poll(() => page.getByTestId('chart-last-close').textContent()).toBe('último 40,00');
      await expect.poll(() => page.getByTestId('ticker-last').textContent()).toBe('40,00');
      // The browser tab says which instrument the screen trades and where it stands.
      await expect.poll(() => page.title()).toMatch(/^PETR4 40,00 [+-]?\d+,\d\d\u00a0% · Bolsa$/);
      // The change is against the previous close, shown beside it (no day closed here: PETR4's reference price, or
      // its last price 24 hours before).
      expect(await page.getByTestId('ticker-previous-close').textContent()).toMatch(/^\d+,\d\d$/);
    }
    // Moving averages are drawn on demand, named in the chart's header with their value at the last candle: none yet
    // with fewer candles than their period.
    const chartPanel = buyer.page.getByTestId('chart');
    const nine = chartPanel.getByRole('button', { name: 'MMA 9', exact: true });
    expect(await nine.getAttribute('aria-pressed')).toBe('false');
    expect(await buyer.page.getByTestId('chart-average-9').count()).toBe(0);
    await nine.click();
    await expect.poll(() => nine.getAttribute('aria-pressed')).toBe('true');
    expect(await buyer.page.getByTestId('chart-average-9').textContent()).toBe('MMA 9 —');
    await nine.click();
    await expect.poll(() => buyer.page.getByTestId('chart-average-9').count()).toBe(0);
    // Wallets: the buyer paid 400,00 + 0,12 taker fee; the seller got 400,00 − 0,08 maker fee.
    await expect.poll(() => buyer.page.getByTestId('position-PETR4-quantity').textContent()).toBe('1.010');
    await expect.poll(() => buyer.page.getByTestId('cash-available').textContent()).toBe('R$\u00a0102.099,88');
    await expect.poll(() => seller.page.getByTestId('position-PETR4-quantity').textContent()).toBe('990');
    await expect.poll(() => seller.page.getByTestId('cash-available').textContent()).toBe('R$\u00a0100.399,92');
    await expect.poll(() => openOrders.count(), { timeout: 10_000 }).toBe(0);

    // The admin panel saw it live.
    await expect.poll(() => admin.page.getByTestId('admin-trades').textContent()).toContain('40,00');
    await expect.poll(() => admin.page.getByTestId('board-PETR4').textContent()).toMatch(/40,00\s*1\s*10/);
    // The admin reconciles the books: every check holds.
    await admin.page.getByRole('button', { name: 'Conciliar agora' }).click();
    await expect
      .poll(() => admin.page.getByTestId('reconciliation-result').textContent(), { timeout: 10_000 })
      .toMatch(/^Livros conciliados às \d\d:\d\d:\d\d/);
    const checks = await admin.page.getByTestId('reconciliation-check').allTextContents();
    expect(checks.length).toBe(11);
    expect(checks.filter((check) => !check.startsWith('✓ '))).toEqual([]);

    // The sale's result: 10 × 40,00, less the 0,08 fee, less what the shares cost (38,00 each: granted at PETR4's
    // reference price).
    await seller.page.getByRole('tab', { name: 'Meus negócios' }).click();
    await expect
      .poll(() => seller.page.getByTestId('trade-result').allTextContents(), { timeout: 5_000 })
      .toEqual(['R$\u00a019,92']);
    await seller.page.getByRole('tab', { name: 'Ordens abertas' }).click();

    // Cancel an order from the open orders list.
    await ticket(seller.page, 'Vender', '45,00', '3');
    await expect.poll(() => openOrders.count(), { timeout: 10_000 }).toBe(1);
    await openOrders.first().getByRole('button', { name: 'Cancelar' }).click();
    await expect.poll(() => openOrders.count(), { timeout: 10_000 }).toBe(0);
    await seller.page.getByRole('tab', { name: 'Histórico' }).click();
    await expect
      .poll(() => seller.page.getByTestId('order-history').textContent())
      .toMatch(/cancelada[\s\S]*|executada/);
    // The filled order's average price on its row (the cancelled one has none); its executions under it: the
    // average price again, the total and the fees.
    expect(await seller.page.getByTestId('order-history').getByTestId('order-average').allTextContents()).toEqual([
      '—',
      '40,00',
    ]);
    await seller.page.getByTestId('order-history').getByRole('button', { name: '10', exact: true }).click();
    await expect
      .poll(() => seller.page.getByTestId('order-fills-summary').textContent(), { timeout: 5_000 })
      .toBe('1 execução: 10 a preço médio R$\u00a040,00, total R$\u00a0400,00, taxas R$\u00a00,08');
    // …and its history, step by step; the cancelled order's, a click on its time away.
    const step = (text: string) => expect.stringMatching(new RegExp(`^\\d\\d:\\d\\d:\\d\\d ${text}$`));
    await expect
      .poll(() => seller.page.getByTestId('order-step').allTextContents(), { timeout: 5_000 })
      .toEqual([
        step('Registrada e enviada à bolsa'),
        step('Aceita pela bolsa: 10 a R\\$\u00a040,00'),
        step('Execução: 10 a R\\$\u00a040,00 \\(passiva\\), taxa R\\$\u00a00,08'),
        step('Executada totalmente'),
      ]);
    await openNewestInHistory(seller.page);
    await expect
      .poll(() => seller.page.getByTestId('order-step').allTextContents(), { timeout: 5_000 })
      .toEqual([
        step('Registrada e enviada à bolsa'),
        step('Aceita pela bolsa: 3 a R\\$\u00a045,00'),
        step('Cancelada \\(a pedido\\): 3 não executadas'),
      ]);
    // The trader reads the order's number there; an admin looks it up with it (support), seeing whose it is.
    const cancelledId = (await seller.page.getByTestId('order-id').textContent())!;
    await admin.page.getByLabel('Número da ordem').fill(cancelledId);
    await admin.page.getByRole('button', { name: 'Consultar' }).click();
    await expect
      .poll(() => admin.page.getByTestId('admin-order-terms').textContent(), { timeout: 5_000 })
      .toBe('PETR4 venda 3 a 45,00, executada 0: cancelada (a pedido)');
    expect(await admin.page.getByTestId('admin-order-owner').textContent()).toBe(`de Vendedora (${sellerEmail})`);
    expect(await admin.page.getByTestId('admin-order').getByTestId('order-step').last().textContent()).toMatch(
      / Cancelada \(a pedido\): 3 não executadas$/,
    );

    // A trailing stop ("stop móvel"): its trigger and its limit follow the trades up, on the open orders.
    await seller.page.getByRole('tab', { name: 'Ordens abertas' }).click();
    const sellerTicket = seller.page.getByTestId('order-ticket');
    await sellerTicket.getByLabel('Tipo').selectOption('stop_limit');
    // A sell stop at or above the last trade (40,00) would fire at once: the ticket says so.
    await sellerTicket.getByLabel('Preço de disparo', { exact: true }).fill('40,50');
    await sellerTicket.getByTestId('ticket-fires-at-once').waitFor();
    await sellerTicket.getByLabel('Preço de disparo', { exact: true }).fill('39,00');
    await expect.poll(() => sellerTicket.getByTestId('ticket-fires-at-once').count()).toBe(0);
    await sellerTicket.getByLabel('Stop móvel: distância', { exact: true }).fill('1,00');
    await sellerTicket.getByTestId('ticket-trailing-hint').waitFor();
    await ticket(seller.page, 'Vender', '38,50', '5');
    await expect.poll(() => openOrders.count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => openOrders.first().getByTestId('order-stop').textContent()).toBe('39,00móvel');
    await sellerTicket.getByLabel('Tipo').selectOption('limit');
    await ticket(seller.page, 'Vender', '41,00', '1');
    await ticket(buyer.page, 'Comprar', '41,00', '1');
    await expect
      .poll(() => openOrders.first().getByTestId('order-stop').textContent(), { timeout: 10_000 })
      .toBe('40,00móvel');
    await expect.poll(() => openOrders.first().textContent()).toContain('39,50');
    // The trader moves the trigger by hand.
    await openOrders.first().getByRole('button', { name: 'Alterar' }).click();
    expect(await openOrders.first().getByLabel('Novo disparo').inputValue()).toBe('40,00');
    // The editor opens with the keyboard's focus on its first field, the price.
    const focusedLabel = () => seller.page.evaluate('document.activeElement?.getAttribute("aria-label")');
    expect(await focusedLabel()).toBe('Novo preço');
    await openOrders.first().getByLabel('Novo disparo').fill('40,50');
    // With the engine paused, the amend is on its way and the row says so until the engine answers.
    process.kill(stack.enginePid, 'SIGSTOP');
    try {
      await openOrders.first().getByRole('button', { name: 'Salvar' }).click();
      await expect.poll(() => openOrders.first().getByTestId('order-amending').count(), { timeout: 10_000 }).toBe(1);
      expect(await openOrders.first().getByTestId('order-stop').textContent()).toBe('40,00móvel');
    } finally {
      process.kill(stack.enginePid, 'SIGCONT');
    }
    await expect
      .poll(() => openOrders.first().getByTestId('order-stop').textContent(), { timeout: 10_000 })
      .toBe('40,50móvel');
    await expect.poll(() => openOrders.first().getByTestId('order-amending').count()).toBe(0);
    // And its trailing distance, which it keeps to from the next trade on.
    await openOrders.first().getByRole('button', { name: 'Alterar' }).click();
    await openOrders.first().getByLabel('Nova distância').fill('0,50');
    // Enter in a field saves, as in the ticket.
    await openOrders.first().getByLabel('Nova distância').press('Enter');
    await expect
      .poll(() => openOrders.first().getByTestId('order-trailing').getAttribute('title'), { timeout: 10_000 })
      .toMatch(/ a 0,50$/);
    // A trade at its trigger fires it: it is a sell at 39,50 in the book now, and says so; its trigger stays put.
    await ticket(seller.page, 'Vender', '40,50', '1');
    await ticket(buyer.page, 'Comprar', '40,50', '1');
    await expect
      .poll(() => openOrders.first().getByTestId('order-stop').textContent(), { timeout: 10_000 })
      .toBe('40,50disparada');
    await expect.poll(() => seller.page.getByTestId('asks').textContent()).toContain('39,50');
    await openOrders.first().getByRole('button', { name: 'Alterar' }).click();
    expect(await openOrders.first().getByLabel('Novo disparo').count()).toBe(0);
    expect(await focusedLabel()).toBe('Novo preço');
    // Escape leaves the editor, and the keyboard's focus is back on the row's "Alterar", not on "Cancelar".
    await seller.page.keyboard.press('Escape');
    expect(await openOrders.first().getByRole('button', { name: 'Voltar' }).count()).toBe(0);
    expect(await seller.page.evaluate('document.activeElement?.textContent')).toBe('Alterar');
    await openOrders.first().getByRole('button', { name: 'Cancelar' }).click();
    await expect.poll(() => openOrders.count(), { timeout: 10_000 }).toBe(0);

    // A DAY order rests until the admin closes the trading day, then expires.
    const buyerOrders = buyer.page.getByTestId('open-orders').getByTestId('order-row');
    await buyerTicket.getByLabel('Validade').selectOption('DAY');
    // This platform's clock closes no day (MARKET_CLOSE=off): the ticket and the panel say who does.
    expect(await buyerTicket.getByTestId('ticket-day-expiry').textContent()).toBe(
      'Expira quando a bolsa encerrar o pregão.',
    );
    await expect.poll(() => admin.page.getByTestId('next-close').textContent()).toBe('só pelo painel');
    await ticket(buyer.page, 'Comprar', '30,00', '2');
    await expect.poll(() => buyerOrders.count(), { timeout: 10_000 }).toBe(1);
    expect(await buyerOrders.first().getByTestId('order-day').textContent()).toBe('do dia');
    await admin.page.getByRole('button', { name: 'Encerrar pregão' }).click();
    await admin.page.getByRole('button', { name: /Confirmar/ }).click();
    await expect.poll(() => admin.page.getByTestId('end-of-day-notice').textContent()).toMatch(/encerrado/);
    // The close just made is the last, shown as São Paulo's clocks show it.
    const today = new Intl.DateTimeFormat('pt-BR', { timeZone: 'America/Sao_Paulo', day: '2-digit', month: '2-digit' });
    await expect
      .poll(() => admin.page.getByTestId('last-close').textContent())
      .toMatch(new RegExp(`^\\S+ ${today.format(new Date())}, \\d\\d:\\d\\d BRT$`));
    await expect.poll(() => buyerOrders.count(), { timeout: 10_000 }).toBe(0);
    await buyer.page.getByRole('tab', { name: 'Histórico' }).click();
    await expect.poll(() => buyer.page.getByTestId('order-history').textContent()).toMatch(/expirada/);
    // Its history, under it, says so too (and is what the screenshot shows).
    await openNewestInHistory(buyer.page);
    await expect
      .poll(() => buyer.page.getByTestId('order-step').last().textContent(), { timeout: 5_000 })
      .toMatch(/ Expirada no fim do pregão: 2 não executadas$/);

    await buyer.page.screenshot({ path: join(SCREENSHOTS, 'trading-screen.png') });
    // The whole panel: the live trades at the top, the tools below (support, accounts) further down.
    await admin.page.screenshot({ path: join(SCREENSHOTS, 'admin-panel.png'), fullPage: true });
    await buyer.page.getByRole('tab', { name: 'Ordens abertas' }).click();
    await buyer.page.getByTestId('open-orders').getByTestId('empty-list').waitFor();

    // Another instrument from the header: its ticket starts from its own price (VALE3 has not traded: its
    // reference, 62,00), not from the 40,00 the buyer picked in PETR4's book.
    await buyer.page.locator('#symbol-picker').selectOption('VALE3');
    await buyer.page.waitForURL('**/trade/VALE3');
    await expect
      .poll(() => buyerTicket.getByLabel('Preço', { exact: true }).inputValue(), { timeout: 5_000 })
      .toBe('62,00');

    // API keys: the secret is shown once, the key works for a program, and revoking it stops it.
    await seller.page.getByRole('link', { name: 'Chaves de API' }).click();
    await seller.page.getByLabel('Nome da chave').fill('planilha');
    await seller.page.getByRole('button', { name: 'Criar chave' }).click();
    const token = (await seller.page.getByTestId('new-key-token').textContent()) ?? '';
    const asProgram = () => fetch(`${stack.api}/api/me/wallet`, { headers: { authorization: `Bearer ${token}` } });
    expect((await asProgram()).status).toBe(200);
    const row = seller.page.getByTestId('key-row').filter({ hasText: 'planilha' });
    // A revocation that gets no answer says so, and the key is still listed as active (it still works).
    await seller.page.route('**/api/me/api-keys/*', (route) =>
      route.request().method() === 'DELETE' ? route.abort('connectionrefused') : route.fallback(),
    );
    await row.getByRole('button', { name: 'Revogar' }).click();
    await expect
      .poll(() => seller.page.getByTestId('revoke-error').textContent())
      .toBe('A chave não foi revogada e segue ativa. A corretora não respondeu; tente de novo.');
    expect(await row.textContent()).toContain('ativa');
    expect((await asProgram()).status).toBe(200);
    await seller.page.unroute('**/api/me/api-keys/*');
    await row.getByRole('button', { name: 'Revogar' }).click();
    await expect.poll(() => row.textContent()).toContain('revogada');
    expect(await seller.page.getByTestId('revoke-error').count()).toBe(0);
    expect((await asProgram()).status).toBe(401);
    // A key that only reads: the program sees the wallet, and its order is refused.
    await seller.page.getByLabel('Nome da chave').fill('painel');
    await seller.page.getByLabel('Permissão').selectOption('read');
    await seller.page.getByRole('button', { name: 'Criar chave' }).click();
    await expect.poll(() => seller.page.getByTestId('new-key-token').textContent()).not.toBe(token);
    const reader = (await seller.page.getByTestId('new-key-token').textContent()) ?? '';
    const readerHeaders = { authorization: `Bearer ${reader}`, 'content-type': 'application/json' };
    expect((await fetch(`${stack.api}/api/me/wallet`, { headers: readerHeaders })).status).toBe(200);
    const order = { symbol: 'PETR4', side: 'buy', type: 'limit', price: '30.00', quantity: '1' };
    const refused = await fetch(`${stack.api}/api/orders`, {
      method: 'POST',
      headers: readerHeaders,
      body: JSON.stringify(order),
    });
    expect([refused.status, ((await refused.json()) as { code: string }).code]).toEqual([403, 'read_only_key']);
    await expect
      .poll(() =>
        seller.page.getByTestId('key-row').filter({ hasText: 'painel' }).getByTestId('key-access').textContent(),
      )
      .toBe('só consulta');

    // Logging out ends the session: the trading screen sends the browser back to the login page.
    await seller.page.getByRole('button', { name: 'Sair' }).click();
    await seller.page.waitForURL(/\/login(\?|$)/);
    await seller.page.goto(`${stack.web}/trade/PETR4`);
    await seller.page.waitForURL(/\/login\?next=%2Ftrade%2FPETR4$/);
    for (const { errors } of [seller, buyer, admin]) expect(errors).toEqual([]);
  });

  it(
    'lists open orders and the order history a page at a time ("Carregar mais"), of every symbol or one; the ticket starts from the last trade',
    { timeout: 90_000 },
    async () => {
      const email = `paginas-${Date.now()}@example.test`;
      const apiKey = await programAccount(stack.api, 'Paginas', email);
      // 105 resting buys: a page (100) and five more.
      for (let i = 0; i < 105; i++) await program(stack.api, apiKey, 'buy', 'ABEV3', '12.00', '1');
      const { page, errors } = await newPage(browser);
      await logIn(page, stack.web, email, PROGRAM_PASSWORD, '/trade/ABEV3');
      await page.waitForURL('**/trade/ABEV3');
      const more = page.getByTestId('my-orders').getByRole('button', { name: 'Carregar mais' });
      const openRows = page.getByTestId('open-orders').getByTestId('order-row');
      await expect.poll(() => openRows.count(), { timeout: 10_000 }).toBe(100);
      // A next page that does not come is said; the button stays, and pressed again it brings the page.
      const nextPage = /\/api\/me\/orders\?.*cursor=/;
      await page.route(nextPage, (route) => route.abort('connectionrefused'));
      await more.click();
      await expect
        .poll(() => page.getByTestId('my-orders').getByRole('alert').textContent())
        .toBe('Não foi possível carregar mais; tente de novo.');
      expect(await openRows.count()).toBe(100);
      await page.unroute(nextPage);
      await more.click();
      await expect.poll(() => openRows.count()).toBe(105);
      expect(await page.getByTestId('my-orders').getByRole('alert').count()).toBe(0);
      expect(await more.count()).toBe(0);
      // One of the older page's orders fills: the list shown is kept, and that order leaves it.
      const seller = await programAccount(stack.api, 'PaginasVende');
      await program(stack.api, seller, 'sell', 'ABEV3', '12.00', '1');
      await expect.poll(() => openRows.count(), { timeout: 10_000 }).toBe(104);
      // Opened again, the ticket starts from that last trade's price, even when the quotes and the trades arrive
      // after the instruments (held back here): not from ABEV3's reference price (13,00), shown till then.
      const lateQuotes = /\/api\/(stream\/tickers|markets\/ABEV3\/trades)/;
      await holdBack(page, lateQuotes, 2_500);
      await page.reload();
      const ticketPrice = page.getByTestId('order-ticket').getByLabel('Preço', { exact: true });
      await expect.poll(() => ticketPrice.inputValue(), { timeout: 5_000 }).toBe('13,00');
      await expect.poll(() => ticketPrice.inputValue(), { timeout: 5_000 }).toBe('12,00');
      await page.unroute(lateQuotes);
      await expect.poll(() => openRows.count(), { timeout: 10_000 }).toBe(100);
      // An order in another symbol: listed with the rest, until the list is only ABEV3's.
      await program(stack.api, apiKey, 'buy', 'BBDC4', '14.00', '1');
      await expect.poll(() => openRows.first().textContent(), { timeout: 10_000 }).toMatch(/BBDC4/);
      await page.getByLabel('Só ABEV3').check();
      await expect.poll(() => openRows.count(), { timeout: 10_000 }).toBe(100);
      await expect.poll(() => openRows.allTextContents()).not.toContainEqual(expect.stringMatching(/BBDC4/));
      // With a page not loaded, "Cancelar todas" does not count only the hundred listed: it cancels all 104 of
      // ABEV3, and only those.
      await page.getByRole('button', { name: 'Cancelar todas' }).click();
      await page.getByRole('button', { name: 'Confirmar: cancelar todas' }).click();
      await expect.poll(() => openRows.count(), { timeout: 10_000 }).toBe(0);
      await page.getByLabel('Só ABEV3').uncheck();
      await expect
        .poll(() => openRows.allTextContents(), { timeout: 10_000 })
        .toEqual([expect.stringMatching(/BBDC4/)]);
      await page.getByRole('tab', { name: 'Histórico' }).click();
      const doneRows = page.getByTestId('order-history').getByTestId('order-row');
      await expect.poll(() => doneRows.count(), { timeout: 10_000 }).toBe(100);
      await more.click();
      await expect.poll(() => doneRows.count()).toBe(105);
      expect(await more.count()).toBe(0);
      // The oldest order is the one that filled (first in, first to trade), on the page loaded last.
      await expect.poll(() => doneRows.last().textContent()).toMatch(/executada/);
      expect(errors).toEqual([]);
    },
  );

  it(
    "marks the trader's own level in the book when it holds an order older than its latest 200",
    { timeout: 60_000 },
    async () => {
      const email = `marcas-${Date.now()}@example.test`;
      const apiKey = await programAccount(stack.api, 'Marcas', email);
      // One share offered at ITUB4's best ask (joining it, or making it when there is none), then 200 newer orders
      // in another instrument, far from its market.
      const book = (await (await fetch(`${stack.api}/api/markets/ITUB4/book?depth=1`)).json()) as {
        asks: { price: string }[];
      };
      const price = book.asks[0]?.price ?? '990.00';
      await program(stack.api, apiKey, 'sell', 'ITUB4', price, '1');
      for (let i = 0; i < 200; i++) await program(stack.api, apiKey, 'sell', 'BBDC4', '999.00', '1');
      const { page, errors } = await newPage(browser);
      await logIn(page, stack.web, email, PROGRAM_PASSWORD, '/trade/ITUB4');
      await page.waitForURL('**/trade/ITUB4');
      const own = page.getByTestId('asks').getByTestId('own-level');
      await expect.poll(() => own.count(), { timeout: 10_000 }).toBe(1);
      expect(await own.getAttribute('title')).toBe('Suas ordens neste preço: 1');
      expect(errors).toEqual([]);
    },
  );

  it('says so when an address names nothing here: a symbol not traded, a page that does not exist', async () => {
    const { page, errors } = await newPage(browser);
    const consoleErrors: string[] = [];
    page.on('console', (message) => message.type() === 'error' && consoleErrors.push(message.text()));
    await signUp(page, stack.web, 'Perdido');
    // A mistyped symbol: no empty screen asking the API about it, but what is traded here, each a link.
    // Until the instruments are known the screen says what it is loading (held back here), not a blank page.
    const instruments = '**/api/instruments';
    await holdBack(page, instruments, 1_500);
    await page.goto(`${stack.web}/trade/PETR5`);
    await page.getByRole('status').filter({ hasText: 'Carregando PETR5…' }).waitFor({ timeout: 1_000 });
    await page.getByRole('heading', { name: 'PETR5 não é negociado na Bolsa' }).waitFor();
    await page.unroute(instruments);
    expect(await page.getByRole('status').filter({ hasText: 'Carregando' }).count()).toBe(0);
    await expect.poll(() => page.title()).toBe('PETR5 não é negociado · Bolsa');
    expect(await page.getByRole('list', { name: 'Ativos negociados' }).getByRole('link').allTextContents()).toEqual([
      'PETR4',
      'VALE3',
      'ITUB4',
      'BBDC4',
      'ABEV3',
    ]);
    expect(await page.getByTestId('trading-screen').count()).toBe(0);
    expect(consoleErrors).toEqual([]);
    await page.getByRole('link', { name: 'VALE3' }).click();
    await page.waitForURL('**/trade/VALE3');
    await page.getByTestId('stream-mercado').and(page.locator('[data-state="live"]')).waitFor();
    // An address no page has: a 404, in the app's language and look, with the way back to the market.
    const missing = await page.goto(`${stack.web}/carteira`);
    expect(missing?.status()).toBe(404);
    await page.getByRole('heading', { name: 'Página não encontrada' }).waitFor();
    expect(await page.title()).toBe('Página não encontrada · Bolsa');
    await page.getByRole('link', { name: 'Ver o mercado' }).click();
    await page.waitForURL('**/markets');
    expect(errors).toEqual([]);
  });

  it(
    'shows the account: its worth, withdrawals, the statement and the trades and statement files',
    { timeout: 90_000 },
    async () => {
      const { page, errors } = await newPage(browser);
      const email = await signUp(page, stack.web, 'Extrato');
      // A counterparty, as a program with an API key, offers 5 PETR4 that the trader buys on the trading screen.
      await program(stack.api, await programAccount(stack.api, 'Contraparte'), 'sell', 'PETR4', '41.00', '5');
      await ticket(page, 'Comprar', '41,00', '5');
      await expect
        .poll(() => page.getByTestId('position-PETR4-quantity').textContent(), { timeout: 5_000 })
        .toBe('1.005');
      // "Máx." fills in the most the order can be for: what the cash holds at 41,00 with the fee (2.433 × 41,00 =
      // 99.753,00 + 29,92 of 99.794,94), and for a sale every share.
      const tradeTicket = page.getByTestId('order-ticket');
      await tradeTicket.getByTestId('ticket-max').click();
      await expect.poll(() => tradeTicket.getByLabel('Quantidade', { exact: true }).inputValue()).toBe('2433');
      await tradeTicket.getByRole('button', { name: 'Vender', exact: true }).click();
      await expect.poll(() => tradeTicket.getByTestId('ticket-max').textContent()).toBe('Máx. 1.005');

      await page.getByRole('link', { name: 'Conta' }).click();
      await page.waitForURL('**/account');
      // Its logins: this browser's (signed up here, through the web), and one more from a program, which it ends.
      const sessions = page.getByTestId('login-session');
      await expect
        .poll(() => sessions.allTextContents(), { timeout: 5_000 })
        .toEqual([expect.stringMatching(/^Chrome · Linux\d\d\/\d\d\/\d{4}.*esta sessão$/)]);
      const elsewhere = await fetch(`${stack.api}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'curl/8.5.0' },
        body: JSON.stringify({ email, password: BROWSER_PASSWORD }),
      });
      const elsewhereCookie = elsewhere.headers
        .getSetCookie()
        .map((cookie) => cookie.split(';')[0])
        .join('; ');
      await page.reload();
      await expect.poll(() => sessions.count(), { timeout: 5_000 }).toBe(2);
      await sessions.filter({ hasText: 'curl' }).getByRole('button', { name: 'Encerrar' }).click();
      await expect.poll(() => page.getByTestId('login-sessions-notice').textContent()).toBe('Sessão encerrada.');
      await expect.poll(() => sessions.count()).toBe(1);
      const afterwards = await fetch(`${stack.api}/api/me/wallet`, { headers: { cookie: elsewhereCookie } });
      expect(afterwards.status).toBe(401);
      const entries = page.getByTestId('statement-entry');
      // 5 × 41,00 = 205,00 and a 0,06 taker fee, named after the order; the opening grants below them, newest first.
      await expect
        .poll(() => entries.allTextContents(), { timeout: 10_000 })
        .toEqual([
          expect.stringMatching(/Compra PETR4PETR4\+51\.005$/),
          expect.stringMatching(/Taxa da compra PETR4R\$-0,06-0,0699\.794,94$/),
          expect.stringMatching(/Compra PETR4R\$-205,00-205,0099\.795,00$/),
          ...['ABEV3', 'BBDC4', 'ITUB4', 'VALE3', 'PETR4'].map((symbol) =>
            expect.stringMatching(new RegExp(`Ações iniciais ${symbol}${symbol}\\+1\\.0001\\.000$`)),
          ),
          expect.stringMatching(/Saldo inicialR\$\+100\.000,00100\.000,00$/),
        ]);
      await expect.poll(() => page.getByTestId('cash-total').textContent()).toBe('R$\u00a099.794,94');
      // The position at the last trade's price (the trader's own: 1.005 × 41,00), not at the reference price.
      await expect
        .poll(() => page.getByTestId('position-PETR4').textContent(), { timeout: 5_000 })
        .toContain('41.205,00');
      const equity = async () => Number((await page.getByTestId('equity').textContent())!.replace(/\D/g, ''));
      const before = await equity();

      // A withdrawal: the cash, the worth and the statement follow at once; one larger than the cash is refused.
      await page.getByLabel('Valor do saque').fill('1000,00');
      await page.getByRole('button', { name: 'Sacar' }).click();
      await expect
        .poll(() => page.getByTestId('withdrawal-done').textContent())
        .toBe('Saque de R$\u00a01.000,00 feito.');
      await expect
        .poll(() => page.getByTestId('cash-total').textContent(), { timeout: 5_000 })
        .toBe('R$\u00a098.794,94');
      await expect.poll(equity, { timeout: 5_000 }).toBe(before - 100_000);
      await expect
        .poll(() => entries.first().textContent(), { timeout: 5_000 })
        .toMatch(/SaqueR\$-1\.000,0098\.794,94$/);
      await page.screenshot({ path: join(SCREENSHOTS, 'account.png'), fullPage: true });
      await page.getByLabel('Valor do saque').fill('98794,95');
      await page.getByRole('button', { name: 'Sacar' }).click();
      await expect
        .poll(() => page.getByTestId('withdrawal-error').textContent())
        .toBe('Saldo disponível insuficiente: há R$\u00a098.794,94 para sacar.');

      // Filters: transfers only; the holds of the buy; nothing for VALE3 but its grant.
      await page.getByLabel('Tipo de lançamento').selectOption('transfers');
      await expect.poll(() => entries.allTextContents()).toEqual([expect.stringMatching(/^.*Saque/)]);
      await page.getByLabel('Tipo de lançamento').selectOption('holds');
      await expect
        .poll(() => entries.allTextContents())
        .toEqual([expect.stringMatching(/Bloqueio para compra PETR4R\$0,00\+205,06/)]);
      await page.getByLabel('Tipo de lançamento').selectOption('all');
      await page.getByLabel('Ativo').selectOption('VALE3');
      await expect.poll(() => entries.allTextContents()).toEqual([expect.stringMatching(/Ações iniciais VALE3/)]);

      // The month's figures for the tax return: 205,00 bought, nothing sold, 0,06 of fees, no result yet.
      await expect
        .poll(() => page.getByTestId('tax-month').allTextContents(), { timeout: 5_000 })
        .toEqual([expect.stringMatching(/R\$\u00a0205,00R\$\u00a00,00R\$\u00a00,06R\$\u00a00,00$/)]);
      // The trades file for the accountant: the link downloads the CSV.
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('trades-csv').click()]);
      const lines = readFileSync(await download.path(), 'utf8')
        .trim()
        .split('\r\n');
      expect(lines[0]).toBe(
        'trade_id,executed_at,symbol,side,role,quantity,price,notional,fee,order_id,realized_profit',
      );
      expect(lines.slice(1).map((line) => line.split(',').slice(2, 9).join(','))).toEqual([
        'PETR4,buy,taker,5,41.00,205.00,0.06',
      ]);
      // The statement as listed (every kind, VALE3): its link downloads the same entries.
      const [statement] = await Promise.all([page.waitForEvent('download'), page.getByTestId('statement-csv').click()]);
      const statementLines = readFileSync(await statement.path(), 'utf8')
        .trim()
        .split('\r\n');
      expect(statementLines[0]).toMatch(/^entry_id,created_at,asset,reason,/);
      expect(statementLines.slice(1).map((line) => line.split(',').slice(2, 10).join(','))).toEqual([
        'VALE3,grant,,,1000,0,1000,0',
      ]);

      // A new password: the current one is asked again, the new one twice; then it is the one that logs in.
      const changePassword = async (current: string, next: string, repeated = next) => {
        await page.getByLabel('Senha atual', { exact: true }).fill(current);
        await page.getByLabel('Nova senha', { exact: true }).fill(next);
        await page.getByLabel('Repita a nova senha', { exact: true }).fill(repeated);
        await page.getByRole('button', { name: 'Alterar senha' }).click();
      };
      await changePassword('not my password', 'a new browser password');
      await expect.poll(() => page.getByTestId('current-password-error').textContent()).toBe('Senha atual incorreta.');
      await changePassword('a browser password', 'a new browser password', 'a new browser pasword');
      await expect
        .poll(() => page.getByTestId('repeat-password-error').textContent())
        .toBe('As duas senhas novas não são iguais.');
      await changePassword('a browser password', 'a new browser password');
      await expect.poll(() => page.getByTestId('password-message').textContent()).toMatch(/^Senha alterada/);
      await page.getByRole('button', { name: 'Sair' }).click();
      await page.waitForURL(/\/login(\?|$)/);
      await page.getByLabel('E-mail').fill(email);
      await page.getByLabel('Senha').fill('a new browser password');
      await page.getByRole('button', { name: 'Entrar' }).click();
      // Back to the account page when the login page was reached from it, else to the trading screen.
      await page.waitForURL(/\/(account|trade\/PETR4)$/);
      await page.getByTestId('stream-conta').and(page.locator('[data-state="live"]')).waitFor();

      await page.setViewportSize({ width: 390, height: 844 });
      await expect.poll(() => page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
      expect(errors).toEqual([]);
    },
  );

  it("lists every instrument's quote and follows trades live", { timeout: 60_000 }, async () => {
    const { page, errors } = await newPage(browser);
    // A visitor who never logged in is not asked about a session (a 401 the browser would log as an error).
    const consoleErrors: string[] = [];
    const sessionChecks: string[] = [];
    page.on('console', (message) => message.type() === 'error' && consoleErrors.push(message.text()));
    page.on('request', (request) => request.url().includes('/api/auth/session') && sessionChecks.push(request.url()));
    // The home page is the market, open to everyone. Until the instruments come (held back here) it says so.
    const instruments = '**/api/instruments';
    await holdBack(page, instruments, 1_500);
    await page.goto(stack.web);
    await page.waitForURL('**/markets');
    await page.getByRole('status').filter({ hasText: 'Carregando cotações…' }).waitFor({ timeout: 1_000 });
    await page.getByTestId('stream-cotações').and(page.locator('[data-state="live"]')).waitFor();
    const rows = page.getByTestId('market-overview').locator('tbody tr');
    await expect.poll(() => rows.count(), { timeout: 5_000 }).toBe(5);
    await page.unroute(instruments);
    expect(await page.title()).toBe('Mercado · Bolsa');
    // Before its first trade an instrument shows its reference price, marked as such.
    await expect.poll(() => page.getByTestId('quote-BBDC4-last').textContent(), { timeout: 5_000 }).toBe('15,00ref.');
    const volume = async () => Number((await page.getByTestId('quote-BBDC4-volume').textContent())!.replace(/\D/g, ''));
    const before = await volume();
    const [seller, buyer] = await Promise.all([
      programAccount(stack.api, 'Vende'),
      programAccount(stack.api, 'Compra'),
    ]);
    await program(stack.api, seller, 'sell', 'BBDC4', '15.20', '3');
    await program(stack.api, buyer, 'buy', 'BBDC4', '15.20', '3');
    await expect.poll(() => page.getByTestId('quote-BBDC4-last').textContent(), { timeout: 5_000 }).toBe('15,20');
    await expect.poll(volume).toBe(before + 3);
    // Its change is against the previous close: before any close of the day, the reference price.
    expect(await page.getByTestId('quote-BBDC4-previous-close').textContent()).toBe('15,00');
    expect(await page.getByTestId('quote-BBDC4-change').textContent()).toMatch(/^\+1,33\s%$/);
    await page.screenshot({ path: join(SCREENSHOTS, 'markets.png') });
    expect(await page.getByTestId('quote-BBDC4').getByRole('link', { name: 'BBDC4' }).getAttribute('href')).toBe(
      '/trade/BBDC4',
    );
    expect(sessionChecks).toEqual([]);
    expect(consoleErrors).toEqual([]);
    expect(errors).toEqual([]);
  });

  it(
    'lets an admin halt an instrument and suspend an account: its trader sees it and cannot order until lifted',
    { timeout: 90_000 },
    async () => {
      const admin = await newPage(browser);
      const trader = await newPage(browser);
      await logIn(admin.page, stack.web, ADMIN.email, ADMIN.password, '/admin');
      await admin.page.waitForURL('**/admin');
      const control = admin.page.getByTestId('control-VALE3');
      await expect.poll(() => control.textContent(), { timeout: 10_000 }).toContain('em negociação');

      const traderEmail = await signUp(trader.page, stack.web, 'Suspensa');
      await trader.page.goto(`${stack.web}/trade/VALE3`);
      await trader.page.getByTestId('stream-mercado').and(trader.page.locator('[data-state="live"]')).waitFor();
      const traderTicket = trader.page.getByTestId('order-ticket');

      await haltFromPanel(admin.page, 'VALE3', 'Aguardando fato relevante');
      expect(await control.textContent()).toContain('suspenso');
      // The trader's screen hears of it live, and why: a badge, and a ticket that sends nothing.
      await expect.poll(() => traderTicket.getByTestId('ticket-halted').count(), { timeout: 5_000 }).toBe(1);
      expect(await traderTicket.getByTestId('ticket-halted').textContent()).toContain(
        'Negociação de VALE3 suspensa (Aguardando fato relevante)',
      );
      await expect.poll(() => trader.page.getByTestId('halted').count()).toBe(1);
      expect(await trader.page.getByTestId('halted').getAttribute('title')).toBe(
        'Negociação suspensa: Aguardando fato relevante',
      );
      expect(await trader.page.getByTestId('header-session').textContent()).toBe(
        'Negociação suspensa: Aguardando fato relevante',
      );
      // A new reason, while it stays halted: the trader's screen says it at once.
      await control.getByRole('button', { name: 'Mudar motivo' }).click();
      await control.getByLabel('Motivo da suspensão de VALE3').fill('Fato relevante divulgado');
      await control.getByRole('button', { name: 'Confirmar: novo motivo de VALE3' }).click();
      await expect
        .poll(() => trader.page.getByTestId('header-session').textContent(), { timeout: 5_000 })
        .toBe('Negociação suspensa: Fato relevante divulgado');
      expect(await control.textContent()).toContain('Fato relevante divulgado');
      expect(await traderTicket.getByRole('button', { name: /Comprar VALE3/ }).isDisabled()).toBe(true);
      // The matching engine was told too: its VALE3 book is halted.
      const engineHalted = async () =>
        /^engine_book_halted\{symbol="VALE3"\} (\d)$/m.exec(
          await (await fetch(`http://127.0.0.1:${stack.engineMetricsPort}/metrics`)).text(),
        )?.[1];
      await expect.poll(engineHalted, { timeout: 5_000 }).toBe('1');

      await control.getByRole('button', { name: 'Retomar' }).click();
      await expect.poll(() => traderTicket.getByTestId('ticket-halted').count(), { timeout: 5_000 }).toBe(0);
      await expect.poll(engineHalted, { timeout: 5_000 }).toBe('0');
      // A circuit breaker: every instrument at once, for one reason, and back.
      const controls = admin.page.getByTestId('trading-controls');
      await haltFromPanel(admin.page, null, 'Circuit breaker');
      await expect.poll(() => controls.getByText('suspenso', { exact: true }).count(), { timeout: 5_000 }).toBe(5);
      await expect.poll(() => controls.getByText('Circuit breaker', { exact: true }).count()).toBe(5);
      await expect.poll(() => traderTicket.getByTestId('ticket-halted').count(), { timeout: 5_000 }).toBe(1);
      await admin.page.getByRole('button', { name: 'Retomar todos' }).click();
      await expect.poll(() => controls.getByText('suspenso', { exact: true }).count(), { timeout: 5_000 }).toBe(0);
      await expect.poll(() => traderTicket.getByTestId('ticket-halted').count(), { timeout: 5_000 }).toBe(0);
      await ticket(trader.page, 'Comprar', '60,00', '5');
      await expect.poll(() => traderTicket.textContent(), { timeout: 5_000 }).toMatch(/Ordem enviada: compra 5 VALE3/);
      const traderOpen = trader.page.getByTestId('open-orders').getByTestId('order-row');
      await expect.poll(() => traderOpen.count(), { timeout: 10_000 }).toBe(1);

      // Compliance: the admin finds the trader and suspends the account, which cancels its order.
      const accounts = admin.page.getByLabel('Contas');
      await accounts.getByLabel('Buscar conta').fill(traderEmail.toUpperCase());
      await accounts.getByRole('button', { name: 'Buscar' }).click();
      // The list the panel opened with (the newest accounts, from before this trader signed up) gives way to one row.
      await expect
        .poll(() => accounts.getByTestId('admin-account-row').allTextContents(), { timeout: 5_000 })
        .toEqual([expect.stringContaining(traderEmail)]);
      await accounts.getByTestId('admin-account-row').click();
      await expect.poll(() => accounts.getByTestId('admin-account-live-orders').textContent()).toBe('Ordens vivas: 1');
      await accounts.getByLabel('Motivo da suspensão').fill('documentos em análise');
      await accounts.getByRole('button', { name: 'Suspender conta' }).click();
      await expect
        .poll(() => accounts.getByRole('status').textContent())
        .toBe('Conta suspensa; 1 cancelamento(s) enviado(s).');
      expect(await accounts.getByTestId('admin-account-row').textContent()).toContain('suspensa');
      await expect.poll(() => traderOpen.count(), { timeout: 10_000 }).toBe(0);
      await expect
        .poll(() => trader.page.getByTestId('outcome-notice').allTextContents(), { timeout: 5_000 })
        .toContain('Ordem VALE3 cancelada (conta suspensa pela bolsa)');
      // The trader's screen hears of it live: a banner that says why and what still works, a ticket that sends nothing.
      await expect
        .poll(() => trader.page.getByTestId('suspension-banner').textContent(), { timeout: 5_000 })
        .toMatch(/suspensa pela bolsa desde .*: documentos em análise\./);
      expect(await traderTicket.getByTestId('ticket-suspended').count()).toBe(1);
      expect(await traderTicket.getByRole('button', { name: /Comprar VALE3/ }).isDisabled()).toBe(true);
      await accounts.getByRole('button', { name: 'Reativar conta' }).click();
      await expect.poll(() => accounts.getByRole('status').textContent()).toBe('Conta reativada.');
      // The account's orders, for support: the one the suspension cancelled says so.
      await expect
        .poll(() => accounts.getByTestId('admin-account-order').first().textContent(), { timeout: 5_000 })
        .toMatch(/VALE3compra 5 a 60,00cancelada \(conta suspensa pela bolsa\)/);
      expect(await accounts.getByTestId('admin-account-suspensions').textContent()).toMatch(
        /suspensa por Administrator: documentos em análise; reativada em .* por Administrator/,
      );
      await expect.poll(() => trader.page.getByTestId('suspension-banner').count(), { timeout: 5_000 }).toBe(0);
      // The administrators' log has it all, newest first, with who did it (read again every 5 s).
      const log = admin.page.getByLabel('Registro de ações').getByTestId('admin-action');
      await expect
        .poll(async () => (await log.allTextContents()).slice(0, 4), { timeout: 12_000 })
        .toEqual([
          expect.stringMatching(/AdministratorReativou a conta de Suspensa[0-9a-f]{8}$/),
          expect.stringMatching(/AdministratorSuspendeu a conta de Suspensa: documentos em análise[0-9a-f]{8}$/),
          expect.stringMatching(/AdministratorRetomou a negociação de [A-Z0-9]+[0-9a-f]{8}$/),
          expect.stringMatching(/AdministratorRetomou a negociação de [A-Z0-9]+[0-9a-f]{8}$/),
        ]);
      await ticket(trader.page, 'Comprar', '60,00', '5');
      await expect.poll(() => traderTicket.textContent(), { timeout: 5_000 }).toMatch(/Ordem enviada: compra 5 VALE3/);
      // A program's key leaked: the admin finds its account and revokes the key, saying why; it stops at once.
      const robotEmail = `robo-${Date.now()}@example.test`;
      const robotKey = await programAccount(stack.api, 'Robo', robotEmail);
      const asRobot = () => fetch(`${stack.api}/api/me/wallet`, { headers: { authorization: `Bearer ${robotKey}` } });
      expect((await asRobot()).status).toBe(200);
      // Its password too: someone logged in with it.
      const robotLogin = await fetch(`${stack.api}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: robotEmail, password: PROGRAM_PASSWORD }),
      });
      const robotCookie = robotLogin.headers
        .getSetCookie()
        .map((cookie) => cookie.split(';')[0])
        .join('; ');
      const asRobotBrowser = () => fetch(`${stack.api}/api/me/wallet`, { headers: { cookie: robotCookie } });
      expect((await asRobotBrowser()).status).toBe(200);
      await accounts.getByLabel('Buscar conta').fill(robotEmail);
      await accounts.getByRole('button', { name: 'Buscar' }).click();
      await expect
        .poll(() => accounts.getByTestId('admin-account-row').allTextContents(), { timeout: 5_000 })
        .toEqual([expect.stringContaining(robotEmail)]);
      await accounts.getByTestId('admin-account-row').click();
      const robotKeys = accounts.getByTestId('admin-account-key');
      await expect.poll(() => robotKeys.allTextContents(), { timeout: 5_000 }).toEqual(['defaultnegociaativaRevogar']);
      await robotKeys.getByRole('button', { name: 'Revogar' }).click();
      await accounts.getByLabel('Motivo da revogação de "default"').fill('chave publicada num fórum');
      await accounts.getByRole('button', { name: 'Confirmar revogação' }).click();
      await expect
        .poll(() => accounts.getByTestId('admin-account-keys-notice').textContent())
        .toBe('Chave "default" revogada.');
      expect(await robotKeys.textContent()).toMatch(/^defaultnegociarevogada em /);
      expect((await asRobot()).status).toBe(401);
      expect(await accounts.getByTestId('admin-account-sessions').textContent()).toMatch(/^1 sessão\(ões\) ativa/);
      await accounts.getByLabel('Motivo do encerramento das sessões').fill('senha vazada com a chave');
      await accounts.getByRole('button', { name: 'Encerrar sessões' }).click();
      await expect
        .poll(() => accounts.getByTestId('admin-account-sessions').textContent())
        .toBe('Nenhuma sessão ativa.');
      expect((await asRobotBrowser()).status).toBe(401);
      // On a phone the panel fits the screen, the account's long email in the list included.
      await admin.page.setViewportSize({ width: 390, height: 844 });
      await expect.poll(() => admin.page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
      // The administrator has no API key (nobody made one for it), and its keys page says so.
      await admin.page.getByRole('link', { name: 'Chaves de API' }).click();
      await expect
        .poll(() => admin.page.getByTestId('api-keys').getByTestId('empty-list').textContent(), { timeout: 5_000 })
        .toMatch(/^Nenhuma chave ainda/);
      for (const { errors } of [admin, trader]) expect(errors).toEqual([]);
    },
  );

  it(
    'does not place an order twice when its answer is lost and the trader sends it again, and says when a cancel fails',
    { timeout: 60_000 },
    async () => {
      const { page, errors } = await newPage(browser);
      await signUp(page, stack.web, 'Reenvio');
      const open = page.getByTestId('open-orders').getByTestId('order-row');
      // The first POST reaches the API, which places the order, but its answer never reaches the browser.
      let lost = 0;
      await page.route('**/api/orders', async (route) => {
        if (route.request().method() !== 'POST' || lost > 0) return route.fallback();
        lost += 1;
        await route.fetch();
        await route.abort('connectionreset');
      });
      await ticket(page, 'Comprar', '30,00', '7', null);
      await expect
        .poll(() => page.getByTestId('order-ticket').textContent())
        .toContain('A corretora não confirmou a ordem. Enviar de novo não a duplica.');
      await expect.poll(() => open.count(), { timeout: 10_000 }).toBe(1);
      // Sent again: the same Idempotency-Key, so the API answers with the order it placed the first time.
      await page.getByTestId('order-ticket').getByLabel('Quantidade', { exact: true }).press('Enter');
      await expect
        .poll(() => page.getByTestId('order-ticket').textContent(), { timeout: 5_000 })
        .toMatch(/Ordem enviada: compra 7 PETR4/);
      expect(lost).toBe(1);
      // The same order placed again on purpose, after an answer, is a new order.
      await page.getByTestId('order-ticket').getByLabel('Quantidade', { exact: true }).press('Enter');
      await expect.poll(() => open.count(), { timeout: 10_000 }).toBe(2);
      await page.waitForTimeout(500);
      expect(await open.count()).toBe(2);

      // A cancel the exchange did not confirm is said, not swallowed, and the order stays listed as open.
      let refused = 0;
      await page.route('**/api/orders/*', async (route) => {
        if (route.request().method() !== 'DELETE' || refused > 0) return route.fallback();
        refused += 1;
        const body = { code: 'unavailable', message: 'the exchange could not be reached; try again', details: {} };
        await route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify(body) });
      });
      const list = page.getByTestId('my-orders');
      await open.first().getByRole('button', { name: 'Cancelar' }).click();
      await expect
        .poll(() => list.getByRole('alert').textContent())
        .toBe('A bolsa não confirmou o cancelamento a tempo: confira a ordem e, se seguir aberta, cancele de novo.');
      expect(await open.count()).toBe(2);
      // The message is about the open orders: the history does not show it, nor do the open orders when back.
      await page.getByRole('tab', { name: 'Histórico' }).click();
      await page.getByTestId('order-history').waitFor();
      expect(await list.getByRole('alert').count()).toBe(0);
      await page.getByRole('tab', { name: 'Ordens abertas' }).click();
      await expect.poll(() => open.count()).toBe(2);
      expect(await list.getByRole('alert').count()).toBe(0);
      // Cancelled again, it goes through.
      await open.first().getByRole('button', { name: 'Cancelar' }).click();
      await expect.poll(() => open.count(), { timeout: 10_000 }).toBe(1);
      expect(refused).toBe(1);
      expect(errors).toEqual([]);
    },
  );

  it(
    'keeps a trader on the trading screen, not the login page, while the API does not answer who is logged in',
    { timeout: 60_000 },
    async () => {
      const { page, errors } = await newPage(browser);
      await signUp(page, stack.web, 'Paciente');
      // The API restarting: a gateway's 503 for the next question about the session, then no answer at all.
      let asked = 0;
      await page.route('**/api/auth/session', async (route) => {
        asked += 1;
        if (asked === 1) {
          const body = { code: 'api_unavailable', message: 'the API is not answering', details: {} };
          return route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify(body) });
        }
        if (asked === 2) return route.abort('connectionrefused');
        return route.fallback();
      });
      await page.reload();
      await expect.poll(() => page.getByTestId('session-unreachable').textContent()).toMatch(/^Sem resposta/);
      expect(new URL(page.url()).pathname).toBe('/trade/PETR4');
      // Asked again every 2 s: the third question is answered and the screen comes back, its trader still logged in.
      await page.getByTestId('stream-conta').and(page.locator('[data-state="live"]')).waitFor({ timeout: 10_000 });
      expect(asked).toBe(3);
      expect(await page.getByTestId('session-unreachable').count()).toBe(0);
      expect(new URL(page.url()).pathname).toBe('/trade/PETR4');
      expect(errors).toEqual([]);
    },
  );

  it(
    'opens the trading screen whole when the API answers only on a second try: instruments, fees, the book and orders',
    { timeout: 60_000 },
    async () => {
      const { page, errors } = await newPage(browser);
      await signUp(page, stack.web, 'Insistente');
      const seller = await programAccount(stack.api, 'VendeCaro');
      await program(stack.api, seller, 'sell', 'PETR4', '45.67', '3');
      await ticket(page, 'Comprar', '30,00', '2');
      const open = page.getByTestId('open-orders').getByTestId('order-row');
      await expect.poll(() => open.count(), { timeout: 10_000 }).toBe(1);
      // The page is reloaded while the API restarts: the first request for each of these gets no answer.
      const refused = new Map<string | RegExp, number>();
      const paths = [
        '**/api/instruments',
        '**/api/fees',
        '**/api/markets/PETR4/book*',
        /\/api\/me\/orders\?status=open&limit=/,
      ];
      for (const path of paths) {
        await page.route(path, async (route) => {
          const seen = refused.get(path) ?? 0;
          if (seen > 0) return route.fallback();
          refused.set(path, seen + 1);
          await route.abort('connectionrefused');
        });
      }
      await page.reload();
      // Asked again 2 s later, each is answered: a ticket to order with, and the book as it stood before the page.
      const ticketForm = page.getByTestId('order-ticket');
      await expect
        .poll(() => ticketForm.getByRole('button', { name: /Comprar PETR4/ }).count(), { timeout: 10_000 })
        .toBe(1);
      await expect.poll(() => page.getByTestId('asks').textContent(), { timeout: 10_000 }).toContain('45,67');
      // The trader's open orders are listed, with nothing having happened to them to fetch the list again.
      await expect.poll(() => open.count(), { timeout: 10_000 }).toBe(1);
      expect([...refused.values()]).toEqual([1, 1, 1, 1]);
      expect(errors).toEqual([]);
    },
  );

  it(
    "counts each trade once in the chart's last candle: those its history has, and those that come live",
    {
      timeout: 60_000,
    },
    async () => {
      const [seller, buyer] = await Promise.all([
        programAccount(stack.api, 'VendeAbev'),
        programAccount(stack.api, 'CompraAbev'),
      ]);
      const trade = async (quantity: string) => {
        await program(stack.api, seller, 'sell', 'ABEV3', '13.07', quantity);
        await program(stack.api, buyer, 'buy', 'ABEV3', '13.07', quantity);
      };
      /** The last one-minute candle's volume as the API counts it, as the chart writes it. */
      const apiVolume = async () => {
        const candles = (await (await fetch(`${stack.api}/api/markets/ABEV3/candles?interval=1m`)).json()) as {
          volume: string;
        }[];
        return `vol. ${Number(candles.at(-1)?.volume ?? 0).toLocaleString('pt-BR')}`;
      };
      await trade('7');
      await expect.poll(apiVolume, { timeout: 5_000 }).not.toBe('vol. 0');
      const { page, errors } = await newPage(browser);
      await signUp(page, stack.web, 'Grafico');
      await page.goto(`${stack.web}/trade/ABEV3`);
      await page.getByTestId('stream-mercado').and(page.locator('[data-state="live"]')).waitFor();
      const chartVolume = () => page.getByTestId('chart-last-volume').textContent();
      // The trade before the page is in the candles loaded and in the recent trades loaded: counted once.
      await expect.poll(async () => (await chartVolume()) === (await apiVolume())).toBe(true);
      await page.waitForTimeout(1_000);
      expect(await chartVolume()).toBe(await apiVolume());
      // A trade that comes live adds its own quantity, once.
      await trade('3');
      await expect.poll(async () => (await chartVolume()) === (await apiVolume()), { timeout: 5_000 }).toBe(true);
      expect(errors).toEqual([]);
    },
  );

  it('fits a phone: one column, nothing wider than the screen, the ticket usable', { timeout: 60_000 }, async () => {
    const phone = await newPage(browser, { width: 390, height: 844 });
    await signUp(phone.page, stack.web, 'Celular');
    const width = async () => Number(await phone.page.evaluate('document.documentElement.scrollWidth'));
    expect(await width()).toBeLessThanOrEqual(390);
    const phoneTicket = phone.page.getByTestId('order-ticket');
    await phoneTicket.scrollIntoViewIfNeeded();
    const box = await phoneTicket.boundingBox();
    expect(box).not.toBeNull();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(390);
    // On a phone the chart comes first, then the ticket, the trader's own orders, and the book below them.
    const top = async (testId: string) => (await phone.page.getByTestId(testId).boundingBox())!.y;
    expect(await top('chart')).toBeLessThan(await top('order-ticket'));
    expect(await top('order-ticket')).toBeLessThan(await top('open-orders'));
    expect(await top('open-orders')).toBeLessThan(await top('order-book'));
    await phoneTicket.getByLabel('Quantidade', { exact: true }).fill('10');
    await phoneTicket.getByLabel('Quantidade', { exact: true }).press('Enter');
    await expect.poll(() => phoneTicket.textContent(), { timeout: 5_000 }).toMatch(/Ordem enviada/);
    expect(await width()).toBeLessThanOrEqual(390);
    await phone.page.screenshot({ path: join(SCREENSHOTS, 'phone.png'), fullPage: true });

    // What the exchange did without being asked is told too: a market buy where nobody sells is cancelled.
    await phone.page.getByLabel('Ativo').selectOption('ABEV3');
    await phone.page.waitForURL('**/trade/ABEV3');
    await phoneTicket.getByLabel('Tipo').selectOption('market');
    await phoneTicket.getByLabel('Quantidade', { exact: true }).fill('5');
    await phoneTicket.getByLabel('Quantidade', { exact: true }).press('Enter');
    await phoneTicket.getByTestId('market-confirm').waitFor();
    await phoneTicket.getByLabel('Quantidade', { exact: true }).press('Enter');
    await expect
      .poll(() => phone.page.getByTestId('outcome-notice').allTextContents(), { timeout: 5_000 })
      .toContain('Ordem ABEV3 cancelada (sem liquidez)');

    // Two more resting orders (beside the PETR4 buy above), then one click and its confirmation cancel them all.
    // The first one is slow to be answered: the ticket says it is on its way, and Enter again sends nothing more.
    await phoneTicket.getByLabel('Tipo').selectOption('limit');
    const placements: string[] = [];
    phone.page.on('request', (request) => {
      if (request.method() === 'POST' && new URL(request.url()).pathname === '/api/orders')
        placements.push(request.url());
    });
    const placing = /\/api\/orders$/;
    await holdBack(phone.page, placing, 1_500);
    await phoneTicket.getByLabel('Preço', { exact: true }).fill('12,00');
    await phoneTicket.getByLabel('Quantidade', { exact: true }).fill('5');
    await phoneTicket.getByLabel('Quantidade', { exact: true }).press('Enter');
    const sendingButton = phoneTicket.getByRole('button', { name: 'Enviando…' });
    expect(await sendingButton.isDisabled({ timeout: 5_000 })).toBe(true);
    await phoneTicket.getByLabel('Quantidade', { exact: true }).press('Enter');
    await expect.poll(() => phoneTicket.textContent(), { timeout: 10_000 }).toMatch(/Ordem enviada: compra 5 ABEV3/);
    await phone.page.unroute(placing);
    expect(await sendingButton.count()).toBe(0);
    await ticket(phone.page, 'Comprar', '12,10', '5');
    expect(placements).toHaveLength(2);
    const open = phone.page.getByTestId('open-orders').getByTestId('order-row');
    await expect.poll(() => open.count(), { timeout: 10_000 }).toBe(3);
    // The table is wider than the phone; each order's actions stay in view at its right edge all the same.
    const cancelButton = await open.first().getByRole('button', { name: 'Cancelar' }).boundingBox();
    expect(cancelButton!.x + cancelButton!.width).toBeLessThanOrEqual(390);
    await phone.page.getByRole('button', { name: 'Cancelar todas' }).click();
    await phone.page.getByRole('button', { name: 'Confirmar: cancelar 3' }).click();
    // Three cancels through the engine and back: more than expect.poll's default second when CI is busy.
    await expect.poll(() => open.count(), { timeout: 10_000 }).toBe(0);
    await expect
      .poll(() => phone.page.getByTestId('open-orders').getByTestId('empty-list').textContent())
      .toBe('Nenhuma ordem aberta.');
    expect(phone.errors).toEqual([]);
  });

  it(
    'resumes a live stream from its last event when it is opened again after failing, so the book misses nothing',
    { timeout: 60_000 },
    async () => {
      const { page, errors } = await newPage(browser);
      await watchStreams(page);
      await signUp(page, stack.web, 'Retomada');
      const { asks, seller } = await openBookWithAsk(page, 'ITUB4', '34.13');
      await failStream(page, '/api/stream/markets/ITUB4');
      // While the page has no stream, the book changes.
      await program(stack.api, seller, 'sell', 'ITUB4', '34.11', '9');
      await page.getByTestId('stream-mercado').and(page.locator('[data-state="live"]')).waitFor({ timeout: 10_000 });
      expect(await streamsOpened(page, '/api/stream/markets/ITUB4')).toEqual([
        `${stack.web}/api/stream/markets/ITUB4`,
        expect.stringMatching(/\/api\/stream\/markets\/ITUB4\?lastEventId=\d+$/),
      ]);
      await expect
        .poll(() => asks.getByRole('button', { name: 'venda a 34,11 quantidade 9 em 1 ordem' }).count(), {
          timeout: 5_000,
        })
        .toBe(1);
      expect(errors).toEqual([]);
    },
  );

  it(
    'loads the book again when the API cannot replay what the page missed (an event id it never gave)',
    { timeout: 60_000 },
    async () => {
      const { page, errors } = await newPage(browser);
      await watchStreams(page, { resumeFrom: 999_999_999 });
      await signUp(page, stack.web, 'Recomeco');
      const { asks, seller } = await openBookWithAsk(page, 'BBDC4', '17.13');
      await failStream(page, '/api/stream/markets/BBDC4');
      await program(stack.api, seller, 'sell', 'BBDC4', '17.11', '8');
      await page.getByTestId('stream-mercado').and(page.locator('[data-state="live"]')).waitFor({ timeout: 10_000 });
      expect((await streamsOpened(page, '/api/stream/markets/BBDC4')).at(-1)).toMatch(/lastEventId=999999999$/);
      // Told to start over (resync), the page loads the book again and so shows the order it did not hear of.
      await expect
        .poll(() => asks.getByRole('button', { name: 'venda a 17,11 quantidade 8 em 1 ordem' }).count(), {
          timeout: 5_000,
        })
        .toBe(1);
      // And the stream goes on from there.
      await program(stack.api, seller, 'sell', 'BBDC4', '17.12', '7');
      await expect
        .poll(() => asks.getByRole('button', { name: 'venda a 17,12 quantidade 7 em 1 ordem' }).count(), {
          timeout: 5_000,
        })
        .toBe(1);
      expect(errors).toEqual([]);
    },
  );
  it(
    'sets off a price alert made on the trading screen when the instrument trades at its price, and says so',
    { timeout: 60_000 },
    async () => {
      const { page, errors } = await newPage(browser);
      await signUp(page, stack.web, 'Alertas');
      await page.goto(`${stack.web}/trade/BBDC4`);
      await page.getByTestId('stream-conta').and(page.locator('[data-state="live"]')).waitFor();
      const panel = page.getByTestId('price-alerts');
      await panel.getByText('Nenhum alerta.').waitFor();
      const rows = panel.getByTestId('alert-row');
      // The chart's averages the trader draws are drawn again on their next visit (below, after a reload).
      const twentyOne = page.getByTestId('chart').getByRole('button', { name: 'MMA 21', exact: true });
      await twentyOne.click();
      await expect.poll(() => twentyOne.getAttribute('aria-pressed')).toBe('true');
      const make = async (condition: 'at_or_above' | 'at_or_below', price: string) => {
        await panel.getByLabel('Condição do alerta').selectOption(condition);
        await panel.getByLabel('Preço do alerta').fill(price);
        await panel.getByRole('button', { name: 'Criar' }).click();
      };
      // A price that is none is refused, and says what one looks like.
      await make('at_or_above', '15,555');
      await expect.poll(() => panel.getByTestId('alert-error').textContent()).toBe('Informe um preço como 42,00.');
      await make('at_or_above', '15,60');
      await expect.poll(() => rows.count()).toBe(1);
      await make('at_or_below', '10,00');
      await expect
        .poll(() => rows.allTextContents())
        .toEqual(['BBDC4 cai a R$\u00a010,00aguardandoExcluir', 'BBDC4 sobe a R$\u00a015,60aguardandoExcluir']);
      expect(await panel.getByTestId('alert-error').count()).toBe(0);

      // Two programs trade BBDC4 at 15,70: the first alert goes off, the page says so, the second waits on.
      const [seller, buyer] = await Promise.all([
        programAccount(stack.api, 'VendeAlerta'),
        programAccount(stack.api, 'CompraAlerta'),
      ]);
      await program(stack.api, seller, 'sell', 'BBDC4', '15.70', '1');
      await program(stack.api, buyer, 'buy', 'BBDC4', '15.70', '1');
      await expect
        .poll(() => page.getByTestId('alert-notice').textContent(), { timeout: 10_000 })
        .toBe('Alerta: BBDC4 negociado a R$\u00a015,70 (sobe a R$\u00a015,60)');
      const setOff = panel.locator('[data-testid="alert-row"][data-state="set-off"]');
      await expect
        .poll(() => setOff.textContent())
        .toMatch(/^BBDC4 sobe a R\$\u00a015,60disparado às [\d:]+ \(R\$\u00a015,70\)/);
      expect(await panel.locator('[data-state="waiting"]').textContent()).toMatch(
        /^BBDC4 cai a R\$\u00a010,00aguardando/,
      );

      await page.screenshot({ path: join(SCREENSHOTS, 'price-alerts.png'), fullPage: true });

      // Opened again, the page lists it as it was left, set off, with no notice for what it already told.
      await page.reload();
      await expect.poll(() => setOff.count(), { timeout: 10_000 }).toBe(1);
      await expect.poll(() => twentyOne.getAttribute('aria-pressed')).toBe('true');
      expect(await page.getByTestId('chart-average-21').textContent()).toBe('MMA 21 —');
      expect(await page.getByTestId('alert-notice').count()).toBe(0);
      await panel.getByRole('button', { name: 'Excluir alerta BBDC4 sobe a R$\u00a015,60' }).click();
      await expect.poll(() => rows.count()).toBe(1);
      await page.reload();
      await expect
        .poll(() => rows.allTextContents(), { timeout: 10_000 })
        .toEqual(['BBDC4 cai a R$\u00a010,00aguardandoExcluir']);
      // A buy of the trader's rests at 15,80, where an alert of theirs waits too.
      await make('at_or_above', '15,80');
      await expect.poll(() => rows.count()).toBe(2);
      await ticket(page, 'Comprar', '15,80', '1');
      const openRows = page.getByTestId('open-orders').getByTestId('order-row');
      await expect
        .poll(() => openRows.allTextContents(), { timeout: 10_000 })
        .toEqual([expect.stringMatching(/BBDC4/)]);

      // The account page lists the alerts too, to delete, and makes none (it has no instrument on screen); what
      // happens to the trader's orders and alerts while it is open is told there as on the trading screen.
      await page.goto(`${stack.web}/account`);
      await page.getByTestId('stream-conta').and(page.locator('[data-state="live"]')).waitFor();
      await expect
        .poll(() => rows.allTextContents(), { timeout: 10_000 })
        .toEqual(['BBDC4 sobe a R$\u00a015,80aguardandoExcluir', 'BBDC4 cai a R$\u00a010,00aguardandoExcluir']);
      expect(await panel.getByRole('button', { name: 'Criar' }).count()).toBe(0);
      await program(stack.api, seller, 'sell', 'BBDC4', '15.80', '1');
      await expect
        .poll(() => page.getByTestId('fill-notice').textContent(), { timeout: 10_000 })
        .toBe('Compra executada: 1 BBDC4 a R$\u00a015,80');
      await expect
        .poll(() => page.getByTestId('alert-notice').textContent(), { timeout: 10_000 })
        .toBe('Alerta: BBDC4 negociado a R$\u00a015,80 (sobe a R$\u00a015,80)');
      await expect
        .poll(() => panel.locator('[data-state="set-off"]').textContent())
        .toMatch(/^BBDC4 sobe a R\$\u00a015,80disparado às [\d:]+ \(R\$\u00a015,80\)/);
      await panel.getByRole('button', { name: 'Excluir alerta BBDC4 sobe a R$\u00a015,80' }).click();
      await panel.getByRole('button', { name: 'Excluir alerta BBDC4 cai a R$\u00a010,00' }).click();
      await panel.getByText('Nenhum alerta.').waitFor();

      // The market page tells them of their fills too, with their account's stream beside the quotes'.
      await page.goto(`${stack.web}/trade/BBDC4`);
      // As a trader waits for the screen to be up before typing (it failed once in CI typed at once: no order listed).
      await page.getByTestId('stream-conta').and(page.locator('[data-state="live"]')).waitFor();
      await ticket(page, 'Comprar', '15,90', '2');
      await expect
        .poll(() => openRows.allTextContents(), { timeout: 10_000 })
        .toEqual([expect.stringMatching(/BBDC4/)]);
      await page.goto(`${stack.web}/markets`);
      await page.getByTestId('stream-conta').and(page.locator('[data-state="live"]')).waitFor();
      await program(stack.api, seller, 'sell', 'BBDC4', '15.90', '2');
      await expect
        .poll(() => page.getByTestId('fill-notice').textContent(), { timeout: 10_000 })
        .toBe('Compra executada: 2 BBDC4 a R$\u00a015,90');
      expect(errors).toEqual([]);
    },
  );
});

/**
 * Notes each EventSource the page opens, so that a test can make one fail as the browser does when the API is away
 * (it stops retrying after an error answer) and see what the page opens next. With `resumeFrom`, a stream opened
 * again resumes from that id instead of its own.
 */
async function watchStreams(page: Page, { resumeFrom }: { resumeFrom?: number } = {}): Promise<void> {
  await page.addInitScript(`{
    const Native = window.EventSource;
    const resumeFrom = ${resumeFrom ?? 'undefined'};
    window.openedStreams = [];
    window.EventSource = class extends Native {
      constructor(url, init) {
        const resumed = String(url).replace(/lastEventId=\\d+/, (found) => resumeFrom === undefined ? found : 'lastEventId=' + resumeFrom);
        super(resumed, init);
        window.openedStreams.push(this);
      }
    };
  }`);
}

/** The addresses of the page's streams to `path`, in the order it opened them. */
async function streamsOpened(page: Page, path: string): Promise<string[]> {
  return page.evaluate(`window.openedStreams.map((source) => source.url).filter((url) => url.includes('${path}'))`);
}

/** The stream to `path` fails for good, as an EventSource does after an error answer; the page says so. */
async function failStream(page: Page, path: string): Promise<void> {
  await page.evaluate(`{
    const stream = window.openedStreams.find((source) => source.url.endsWith('${path}'));
    stream.close();
    stream.onerror(new Event('error'));
  }`);
  await page.getByTestId('stream-mercado').and(page.locator('[data-state="closed"]')).waitFor();
}

/** The trade screen of `symbol`, live, with a program's sell of 2 at `price` in its book. */
async function openBookWithAsk(page: Page, symbol: string, price: string) {
  await page.goto(`${stack.web}/trade/${symbol}`);
  await page.getByTestId('stream-mercado').and(page.locator('[data-state="live"]')).waitFor();
  const asks = page.getByTestId('order-book').getByTestId('asks');
  const seller = await programAccount(stack.api, `Livro${symbol}`);
  await program(stack.api, seller, 'sell', symbol, price, '2');
  await expect.poll(() => asks.textContent(), { timeout: 5_000 }).toContain(price.replace('.', ','));
  return { asks, seller };
}
