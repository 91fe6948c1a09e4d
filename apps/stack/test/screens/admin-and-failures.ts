import { expect, it } from 'vitest';
import {
  haltFromPanel,
  logIn,
  newPage,
  program,
  programAccount,
  PROGRAM_PASSWORD,
  signUp,
  streamLive,
  ticket,
} from '../browser.js';
import { ADMIN, type BrowserSuite } from './suite.js';

/**
 * An admin halting an instrument and suspending an account, and the screens when answers are lost or the API is slow
 * to answer.
 */
export function adminAndFailureScreens(suite: BrowserSuite): void {
  it(
    'lets an admin halt an instrument and suspend an account: its trader sees it and cannot order until lifted',
    { timeout: 90_000 },
    async () => {
      const admin = await newPage(suite.browser);
      const trader = await newPage(suite.browser);
      await logIn(admin.page, suite.stack.web, ADMIN.email, ADMIN.password, '/admin');
      await admin.page.waitForURL('**/admin');
      const control = admin.page.getByTestId('control-VALE3');
      await expect.poll(() => control.textContent(), { timeout: 10_000 }).toContain('em negociação');

      const traderEmail = await signUp(trader.page, suite.stack.web, 'Suspensa');
      await trader.page.goto(`${suite.stack.web}/trade/VALE3`);
      await streamLive(trader.page, 'mercado');
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
      // The panel hears of it on its own stream (the tickers), which may come after the trader's.
      await expect.poll(() => control.textContent(), { timeout: 5_000 }).toContain('Fato relevante divulgado');
      expect(await traderTicket.getByRole('button', { name: /Comprar VALE3/ }).isDisabled()).toBe(true);
      // The matching engine was told too: its VALE3 book is halted.
      const engineHalted = async () =>
        /^engine_book_halted\{symbol="VALE3"\} (\d)$/m.exec(
          await (await fetch(`http://127.0.0.1:${suite.stack.engineMetricsPort}/metrics`)).text(),
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
      const robotKey = await programAccount(suite.stack.api, 'Robo', robotEmail);
      const asRobot = () =>
        fetch(`${suite.stack.api}/api/me/wallet`, { headers: { authorization: `Bearer ${robotKey}` } });
      expect((await asRobot()).status).toBe(200);
      // Its password too: someone logged in with it.
      const robotLogin = await fetch(`${suite.stack.api}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: robotEmail, password: PROGRAM_PASSWORD }),
      });
      const robotCookie = robotLogin.headers
        .getSetCookie()
        .map((cookie) => cookie.split(';')[0])
        .join('; ');
      const asRobotBrowser = () => fetch(`${suite.stack.api}/api/me/wallet`, { headers: { cookie: robotCookie } });
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
      const { page, errors } = await newPage(suite.browser);
      await signUp(page, suite.stack.web, 'Reenvio');
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
      const { page, errors } = await newPage(suite.browser);
      await signUp(page, suite.stack.web, 'Paciente');
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
      await streamLive(page, 'conta', 10_000);
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
      const { page, errors } = await newPage(suite.browser);
      await signUp(page, suite.stack.web, 'Insistente');
      const seller = await programAccount(suite.stack.api, 'VendeCaro');
      await program(suite.stack.api, seller, 'sell', 'PETR4', '45.67', '3');
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
}
