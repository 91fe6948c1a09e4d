import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import {
  holdBack,
  logIn,
  newPage,
  program,
  programAccount,
  PROGRAM_PASSWORD,
  signUp,
  streamLive,
  ticket,
} from '../browser.js';
import { ADMIN, SCREENSHOTS, type BrowserSuite } from './suite.js';

/** Opens the details of the newest order in the history tab (a click on its time). */
async function openNewestInHistory(page: Page): Promise<void> {
  const time = /^\d\d:\d\d:\d\d$/;
  await page.getByTestId('order-history').getByTestId('order-row').first().getByRole('button', { name: time }).click();
}

/**
 * Two traders trade with each other through the screens while the admin panel watches; their open orders and
 * history a page at a time; their own level marked in the book.
 */
export function tradingScreens(suite: BrowserSuite): void {
  it('lets two traders trade through the screens while the admin panel watches', { timeout: 180_000 }, async () => {
    const seller = await newPage(suite.browser);
    const buyer = await newPage(suite.browser);
    const admin = await newPage(suite.browser);
    const sellerEmail = await signUp(seller.page, suite.stack.web, 'Vendedora');
    await signUp(buyer.page, suite.stack.web, 'Comprador');
    // An e-mail that has an account already is refused on its field, in Portuguese.
    const again = await newPage(suite.browser);
    await again.page.goto(`${suite.stack.web}/signup`);
    await again.page.getByLabel('Nome').fill('Outra Vendedora');
    await again.page.getByLabel('E-mail').fill(sellerEmail);
    await again.page.getByLabel('Senha').fill('another browser password');
    await again.page.getByRole('button', { name: 'Criar conta' }).click();
    await expect
      .poll(() => again.page.getByText('Já existe uma conta com este e-mail.').count(), { timeout: 5_000 })
      .toBe(1);
    await again.context.close();

    await logIn(admin.page, suite.stack.web, ADMIN.email, ADMIN.password, '/admin');
    await admin.page.waitForURL('**/admin');
    await streamLive(admin.page, 'negócios');

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
    process.kill(suite.stack.enginePid, 'SIGSTOP');
    try {
      await openOrders.first().getByRole('button', { name: 'Salvar' }).click();
      await expect.poll(() => openOrders.first().getByTestId('order-amending').count(), { timeout: 10_000 }).toBe(1);
      expect(await openOrders.first().getByTestId('order-stop').textContent()).toBe('40,00móvel');
    } finally {
      process.kill(suite.stack.enginePid, 'SIGCONT');
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
    const asProgram = () =>
      fetch(`${suite.stack.api}/api/me/wallet`, { headers: { authorization: `Bearer ${token}` } });
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
    expect((await fetch(`${suite.stack.api}/api/me/wallet`, { headers: readerHeaders })).status).toBe(200);
    const order = { symbol: 'PETR4', side: 'buy', type: 'limit', price: '30.00', quantity: '1' };
    const refused = await fetch(`${suite.stack.api}/api/orders`, {
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
    await seller.page.goto(`${suite.stack.web}/trade/PETR4`);
    await seller.page.waitForURL(/\/login\?next=%2Ftrade%2FPETR4$/);
    for (const { errors } of [seller, buyer, admin]) expect(errors).toEqual([]);
  });

  it(
    'lists open orders and the order history a page at a time ("Carregar mais"), of every symbol or one; the ticket starts from the last trade',
    { timeout: 90_000 },
    async () => {
      const email = `paginas-${Date.now()}@example.test`;
      const apiKey = await programAccount(suite.stack.api, 'Paginas', email);
      // 105 resting buys: a page (100) and five more.
      for (let i = 0; i < 105; i++) await program(suite.stack.api, apiKey, 'buy', 'ABEV3', '12.00', '1');
      const { page, errors } = await newPage(suite.browser);
      await logIn(page, suite.stack.web, email, PROGRAM_PASSWORD, '/trade/ABEV3');
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
      const seller = await programAccount(suite.stack.api, 'PaginasVende');
      await program(suite.stack.api, seller, 'sell', 'ABEV3', '12.00', '1');
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
      await program(suite.stack.api, apiKey, 'buy', 'BBDC4', '14.00', '1');
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
      const apiKey = await programAccount(suite.stack.api, 'Marcas', email);
      // One share offered at ITUB4's best ask (joining it, or making it when there is none), then 200 newer orders
      // in another instrument, far from its market.
      const book = (await (await fetch(`${suite.stack.api}/api/markets/ITUB4/book?depth=1`)).json()) as {
        asks: { price: string }[];
      };
      const price = book.asks[0]?.price ?? '990.00';
      await program(suite.stack.api, apiKey, 'sell', 'ITUB4', price, '1');
      for (let i = 0; i < 200; i++) await program(suite.stack.api, apiKey, 'sell', 'BBDC4', '999.00', '1');
      const { page, errors } = await newPage(suite.browser);
      await logIn(page, suite.stack.web, email, PROGRAM_PASSWORD, '/trade/ITUB4');
      await page.waitForURL('**/trade/ITUB4');
      const own = page.getByTestId('asks').getByTestId('own-level');
      await expect.poll(() => own.count(), { timeout: 10_000 }).toBe(1);
      expect(await own.getAttribute('title')).toBe('Suas ordens neste preço: 1');
      expect(errors).toEqual([]);
    },
  );
}
