import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import {
  BROWSER_PASSWORD,
  holdBack,
  newPage,
  program,
  programAccount,
  signUp,
  streamLive,
  ticket,
} from '../browser.js';
import { SCREENSHOTS, type BrowserSuite } from './suite.js';

/** Addresses that name nothing, the account's screens and files, and every instrument's quote followed live. */
export function accountAndMarketScreens(suite: BrowserSuite): void {
  it('says so when an address names nothing here: a symbol not traded, a page that does not exist', async () => {
    const { page, errors } = await newPage(suite.browser);
    const consoleErrors: string[] = [];
    page.on('console', (message) => message.type() === 'error' && consoleErrors.push(message.text()));
    await signUp(page, suite.stack.web, 'Perdido');
    // A mistyped symbol: no empty screen asking the API about it, but what is traded here, each a link.
    // Until the instruments are known the screen says what it is loading (held back here), not a blank page.
    const instruments = '**/api/instruments';
    await holdBack(page, instruments, 1_500);
    await page.goto(`${suite.stack.web}/trade/PETR5`);
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
    await streamLive(page, 'mercado');
    // An address no page has: a 404, in the app's language and look, with the way back to the market.
    const missing = await page.goto(`${suite.stack.web}/carteira`);
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
      const { page, errors } = await newPage(suite.browser);
      const email = await signUp(page, suite.stack.web, 'Extrato');
      // A counterparty, as a program with an API key, offers 5 PETR4 that the trader buys on the trading screen.
      await program(
        suite.stack.api,
        await programAccount(suite.stack.api, 'Contraparte'),
        'sell',
        'PETR4',
        '41.00',
        '5',
      );
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
      const elsewhere = await fetch(`${suite.stack.api}/api/auth/login`, {
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
      const afterwards = await fetch(`${suite.stack.api}/api/me/wallet`, { headers: { cookie: elsewhereCookie } });
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
      await streamLive(page, 'conta');

      await page.setViewportSize({ width: 390, height: 844 });
      await expect.poll(() => page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
      expect(errors).toEqual([]);
    },
  );

  it("lists every instrument's quote and follows trades live", { timeout: 60_000 }, async () => {
    const { page, errors } = await newPage(suite.browser);
    // A visitor who never logged in is not asked about a session (a 401 the browser would log as an error).
    const consoleErrors: string[] = [];
    const sessionChecks: string[] = [];
    page.on('console', (message) => message.type() === 'error' && consoleErrors.push(message.text()));
    page.on('request', (request) => request.url().includes('/api/auth/session') && sessionChecks.push(request.url()));
    // The home page is the market, open to everyone. Until the instruments come (held back here) it says so.
    const instruments = '**/api/instruments';
    await holdBack(page, instruments, 1_500);
    await page.goto(suite.stack.web);
    await page.waitForURL('**/markets');
    await page.getByRole('status').filter({ hasText: 'Carregando cotações…' }).waitFor({ timeout: 1_000 });
    await streamLive(page, 'cotações');
    const rows = page.getByTestId('market-overview').locator('tbody tr');
    await expect.poll(() => rows.count(), { timeout: 5_000 }).toBe(5);
    await page.unroute(instruments);
    expect(await page.title()).toBe('Mercado · Bolsa');
    // Before its first trade an instrument shows its reference price, marked as such.
    await expect.poll(() => page.getByTestId('quote-BBDC4-last').textContent(), { timeout: 5_000 }).toBe('15,00ref.');
    const volume = async () => Number((await page.getByTestId('quote-BBDC4-volume').textContent())!.replace(/\D/g, ''));
    const before = await volume();
    const [seller, buyer] = await Promise.all([
      programAccount(suite.stack.api, 'Vende'),
      programAccount(suite.stack.api, 'Compra'),
    ]);
    await program(suite.stack.api, seller, 'sell', 'BBDC4', '15.20', '3');
    await program(suite.stack.api, buyer, 'buy', 'BBDC4', '15.20', '3');
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
}
