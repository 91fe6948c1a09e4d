import {
  AccountView,
  ApiErrorBody,
  ApiKeyView,
  CreatedApiKey,
  LoginSessionView,
  OrderView,
  SessionView,
} from '@bolsa/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlPool } from '../src/database/sql-pool.js';
import {
  cookieHeader,
  logIn,
  newTrader,
  startSiblingApi,
  startTestApi,
  TEST_PASSWORD,
  type TestApi,
  until,
} from './support.js';

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi({ LOGIN_MAX_FAILURES: '3', LOGIN_WINDOW_SECONDS: '600' });
});

afterAll(async () => {
  await api.stop();
});

const code = (body: unknown) => ApiErrorBody.parse(body).code;
let serial = 0;
const freshEmail = () => `person-${process.pid}-${++serial}@example.test`;

async function signUp(email = freshEmail()) {
  const response = await api.request('POST', '/api/auth/signup', {
    body: { name: 'Carla Dias', email, password: TEST_PASSWORD },
  });
  return { response, email };
}

describe('signup and login', () => {
  it('signs a trader up with an httpOnly, secure, SameSite session cookie and a CSRF token', async () => {
    const { response, email } = await signUp();
    expect(response.status).toBe(201);
    const session = SessionView.parse(response.body);
    expect(session.account).toMatchObject({ email, role: 'trader', name: 'Carla Dias' });
    const cookies = ([] as string[]).concat(response.headers['set-cookie'] as string[] | string);
    const sessionCookie = cookies.find((cookie) => cookie.startsWith('bolsa_session='))!;
    expect(sessionCookie).toMatch(/; HttpOnly/i);
    expect(sessionCookie).toMatch(/; Secure/i);
    expect(sessionCookie).toMatch(/; SameSite=Lax/i);
    expect(cookies.find((cookie) => cookie.startsWith('bolsa_csrf='))).not.toMatch(/HttpOnly/i);

    const me = await api.request('GET', '/api/auth/session', { headers: { cookie: cookieHeader(response.headers) } });
    expect(SessionView.parse(me.body)).toMatchObject({ account: { email }, csrfToken: session.csrfToken });
    const stored = await api.app.get(SqlPool).query('SELECT password_hash FROM accounts WHERE email = $1', [email]);
    expect(stored.rows[0].password_hash).toMatch(/^scrypt\$/);
    expect(stored.rows[0].password_hash).not.toContain(TEST_PASSWORD);
  });

  it('refuses a second account with the same email (in any case) with 409', async () => {
    const { email } = await signUp();
    const again = await signUp(email.toUpperCase());
    expect(again.response.status).toBe(409);
    expect(ApiErrorBody.parse(again.response.body)).toMatchObject({
      code: 'email_taken',
      details: { fields: [expect.objectContaining({ field: 'email' })] },
    });
  });

  it('never makes an admin through signup', async () => {
    const response = await api.request('POST', '/api/auth/signup', {
      body: { name: 'Eve', email: freshEmail(), password: TEST_PASSWORD, role: 'admin' },
    });
    expect(response.status).toBe(400);
    expect(ApiErrorBody.parse(response.body).details.fields?.[0]?.field).toBe('role');
  });

  it('logs in with the right password and refuses a wrong one or an unknown email alike', async () => {
    const { email } = await signUp();
    const session = await logIn(api, email);
    expect(session.csrfToken).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const wrong = await api.request('POST', '/api/auth/login', { body: { email, password: 'not the password' } });
    expect(wrong.status).toBe(401);
    expect(code(wrong.body)).toBe('invalid_credentials');
    const unknown = await api.request('POST', '/api/auth/login', {
      body: { email: freshEmail(), password: TEST_PASSWORD },
    });
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
  });

  it('rate-limits failed logins per email: past the limit even the right password waits', async () => {
    const { email } = await signUp();
    const attempt = (password: string) =>
      api.request('POST', '/api/auth/login', {
        body: { email, password },
        headers: { 'x-forwarded-for': '203.0.113.9' },
      });
    for (let i = 0; i < 3; i++) expect((await attempt('wrong password!')).status).toBe(401);
    const blocked = await attempt(TEST_PASSWORD);
    expect(blocked.status).toBe(429);
    expect(ApiErrorBody.parse(blocked.body)).toMatchObject({
      code: 'rate_limited',
      details: { retryAfterSeconds: expect.any(Number) },
    });
  });

  it('counts failed logins on every API process together: behind a load balancer the limit is the limit', async () => {
    const sibling = await startSiblingApi(api, {
      EVENTS_CONSUMER: 'off',
      LOGIN_MAX_FAILURES: '3',
      LOGIN_WINDOW_SECONDS: '600',
    });
    try {
      const { email } = await signUp();
      const attempt = async (on: 'api' | 'sibling', password: string) => {
        const init = { body: { email, password }, headers: { 'x-forwarded-for': '203.0.113.77' } };
        if (on === 'api') return (await api.request('POST', '/api/auth/login', init)).status;
        const answer = await fetch(`${sibling.url}/api/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...init.headers },
          body: JSON.stringify(init.body),
        });
        return answer.status;
      };
      // Two wrong guesses on one process and one on the other: three in all, the limit.
      expect(await attempt('api', 'wrong password!')).toBe(401);
      expect(await attempt('sibling', 'wrong password!')).toBe(401);
      expect(await attempt('api', 'wrong password!')).toBe(401);
      expect(await attempt('sibling', TEST_PASSWORD)).toBe(429);
      expect(await attempt('api', TEST_PASSWORD)).toBe(429);
      // Once the window has ended (moved back here rather than waited for), the owner gets in, and that clears the count.
      await api.app
        .get(SqlPool)
        .query(`UPDATE login_failures SET window_ends = LOCALTIMESTAMP - interval '1 second' WHERE key = $1`, [
          `email:${email}`,
        ]);
      expect(await attempt('sibling', 'wrong password!')).toBe(401);
      expect(await attempt('api', TEST_PASSWORD)).toBe(200);
      const { rows } = await api.app
        .get(SqlPool)
        .query('SELECT failures FROM login_failures WHERE key = $1', [`email:${email}`]);
      expect(rows).toEqual([]);
    } finally {
      await sibling.stop();
    }
  });

  it("counts failures per client address as a trusted proxy names it: one address's failures hold up no other", async () => {
    // Every browser comes through the web's proxy: without its X-Forwarded-For they would all be one address.
    const attempt = (address: string, email = freshEmail()) =>
      api.request('POST', '/api/auth/login', {
        body: { email, password: 'wrong password!' },
        headers: { 'x-forwarded-for': address },
      });
    // Three failures per email, thirty per address (ten times as many).
    for (let i = 0; i < 30; i++)
      expect((await attempt('198.51.100.7', `stuffing-${i % 10}-${serial}@example.test`)).status).toBe(401);
    expect((await attempt('198.51.100.7')).status).toBe(429);
    expect((await attempt('198.51.100.8')).status).toBe(401);
    const { email } = await signUp();
    const login = await api.request('POST', '/api/auth/login', {
      body: { email, password: TEST_PASSWORD },
      headers: { 'x-forwarded-for': '192.0.2.44' },
    });
    expect(login.status).toBe(200);
  });

  it('ends the session on logout, everywhere', async () => {
    const { email } = await signUp();
    const session = await logIn(api, email);
    const headers = { cookie: session.cookie, 'x-csrf-token': session.csrfToken };
    expect((await api.request('GET', '/api/me/wallet', { headers })).status).toBe(200);
    const out = await api.request('POST', '/api/auth/logout', { headers });
    expect(out.status).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(/bolsa_session=;/);
    const after = await api.request('GET', '/api/me/wallet', { headers });
    expect(after.status).toBe(401);
    expect(code(after.body)).toBe('unauthorized');
  });

  it('refuses a logout with an API key, naming the header: a key is revoked, and it goes on working', async () => {
    const { apiKey } = await newTrader(api, 'Keyed');
    const out = await api.request('POST', '/api/auth/logout', { token: apiKey });
    expect(out.status).toBe(400);
    expect(ApiErrorBody.parse(out.body)).toMatchObject({
      code: 'validation_failed',
      details: { fields: [{ field: 'authorization', code: 'not_a_session' }] },
    });
    expect((await api.request('GET', '/api/me/wallet', { token: apiKey })).status).toBe(200);
  });
});

describe("the account's sessions", () => {
  const from = async (email: string, userAgent: string, address: string) => {
    const response = await api.request('POST', '/api/auth/login', {
      body: { email, password: TEST_PASSWORD },
      headers: { 'user-agent': userAgent, 'x-forwarded-for': address },
    });
    expect(response.status).toBe(200);
    const headers = {
      cookie: cookieHeader(response.headers),
      'x-csrf-token': SessionView.parse(response.body).csrfToken,
    };
    return { headers };
  };
  const sessions = async (headers: Record<string, string>) =>
    LoginSessionView.array().parse((await api.request('GET', '/api/me/sessions', { headers })).body);

  it('lists each live session with what it was started from, and ends one that is not the owner’s', async () => {
    const { email } = await signUp();
    const laptop = await from(email, 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0', '192.0.2.10');
    const phone = await from(email, 'Mozilla/5.0 (Linux; Android 15) Chrome/141.0 Mobile', '198.51.100.20');
    const listed = await sessions(laptop.headers);
    // Newest first: the phone's, then the laptop's (the caller's own), then signup's (the test client's own agent).
    expect(listed.map((session) => [session.userAgent, session.address, session.current])).toEqual([
      ['Mozilla/5.0 (Linux; Android 15) Chrome/141.0 Mobile', '198.51.100.20', false],
      ['Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0', '192.0.2.10', true],
      ['lightMyRequest', '127.0.0.1', false],
    ]);
    const phoneId = listed[0]!.sessionId;
    const ended = await api.request('DELETE', `/api/me/sessions/${phoneId}`, { headers: laptop.headers });
    expect(ended.status).toBe(204);
    expect((await api.request('GET', '/api/me/wallet', { headers: phone.headers })).status).toBe(401);
    expect((await api.request('GET', '/api/me/wallet', { headers: laptop.headers })).status).toBe(200);
    // Gone, another account's, not an id at all: none is this account's live session.
    const other = await from((await signUp()).email, 'curl/8', '192.0.2.99');
    const otherId = (await sessions(other.headers))[0]!.sessionId;
    for (const id of [phoneId, otherId, 'not-a-session']) {
      const response = await api.request('DELETE', `/api/me/sessions/${id}`, { headers: laptop.headers });
      expect(response.status, id).toBe(404);
    }
    expect((await api.request('GET', '/api/me/wallet', { headers: other.headers })).status).toBe(200);
  });

  it("ends every other session at once, keeping the caller's", async () => {
    const { email } = await signUp();
    const first = await from(email, 'Browser A', '192.0.2.1');
    const second = await from(email, 'Browser B', '192.0.2.2');
    const left = await api.request('DELETE', '/api/me/sessions', { headers: second.headers });
    expect(left.status).toBe(200);
    expect(
      LoginSessionView.array()
        .parse(left.body)
        .map((session) => [session.userAgent, session.current]),
    ).toEqual([['Browser B', true]]);
    expect((await api.request('GET', '/api/me/wallet', { headers: first.headers })).status).toBe(401);
  });
});

describe('changing the password', () => {
  const NEW_PASSWORD = 'a brand new password';

  it('needs the current password, then ends every other session and works at the next login', async () => {
    const { email } = await signUp();
    const here = await logIn(api, email);
    const elsewhere = await logIn(api, email);
    const key = (
      await api.request('POST', '/api/me/api-keys', {
        body: { label: 'bot' },
        headers: { cookie: here.cookie, 'x-csrf-token': here.csrfToken },
      })
    ).body as CreatedApiKey;
    const change = (body: unknown) =>
      api.request('POST', '/api/auth/password', {
        body,
        headers: { cookie: here.cookie, 'x-csrf-token': here.csrfToken },
      });

    const wrong = await change({ currentPassword: 'not the password', newPassword: NEW_PASSWORD });
    expect(wrong.status).toBe(403);
    expect(ApiErrorBody.parse(wrong.body)).toMatchObject({
      code: 'password_incorrect',
      details: { fields: [{ field: 'currentPassword', code: 'incorrect' }] },
    });
    for (const [body, field] of [
      [{ currentPassword: TEST_PASSWORD, newPassword: 'short' }, 'newPassword'],
      [{ currentPassword: TEST_PASSWORD, newPassword: TEST_PASSWORD }, 'newPassword'],
      [{ currentPassword: TEST_PASSWORD }, 'newPassword'],
    ] as const) {
      const refused = await change(body);
      expect([field, refused.status]).toEqual([field, 400]);
      expect(ApiErrorBody.parse(refused.body).details.fields?.[0]?.field).toBe(field);
    }

    expect((await change({ currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD })).status).toBe(204);
    const wallet = (headers: Record<string, string>) => api.request('GET', '/api/me/wallet', { headers });
    expect((await wallet({ cookie: here.cookie })).status).toBe(200);
    expect((await wallet({ cookie: elsewhere.cookie })).status).toBe(401);
    expect((await wallet({ authorization: `Bearer ${key.token}` })).status).toBe(200);
    const old = await api.request('POST', '/api/auth/login', { body: { email, password: TEST_PASSWORD } });
    expect(old.status).toBe(401);
    await logIn(api, email, NEW_PASSWORD);
  });

  it('counts wrong current passwords against the login limit', async () => {
    const { email } = await signUp();
    const session = await logIn(api, email);
    const change = (currentPassword: string) =>
      api.request('POST', '/api/auth/password', {
        body: { currentPassword, newPassword: NEW_PASSWORD },
        headers: { cookie: session.cookie, 'x-csrf-token': session.csrfToken },
      });
    for (let i = 0; i < 3; i++) expect((await change('a wrong guess')).status).toBe(403);
    expect((await change(TEST_PASSWORD)).status).toBe(429);
    const login = await api.request('POST', '/api/auth/login', { body: { email, password: TEST_PASSWORD } });
    expect(login.status).toBe(429);
  });
});

describe('CSRF', () => {
  it('refuses a cookie-authenticated write without the CSRF token, and changes nothing', async () => {
    const { email } = await signUp();
    const session = await logIn(api, email);
    const body = { symbol: 'PETR4', side: 'buy', type: 'limit', price: '10.00', quantity: '1' };
    for (const token of [undefined, 'forged-token']) {
      const response = await api.request('POST', '/api/orders', {
        body,
        headers: { cookie: session.cookie, ...(token === undefined ? {} : { 'x-csrf-token': token }) },
      });
      expect(response.status).toBe(403);
      expect(code(response.body)).toBe('csrf_failed');
    }
    const list = await api.request('GET', '/api/orders', { headers: { cookie: session.cookie } });
    expect(list.body).toEqual([]);
    const placed = await api.request('POST', '/api/orders', {
      body,
      headers: { cookie: session.cookie, 'x-csrf-token': session.csrfToken },
    });
    expect(placed.status).toBe(202);
    expect(OrderView.parse(placed.body).accountId).toBe(session.accountId);
  });
});

describe('API keys', () => {
  it('creates several keys, shows each secret once, and a revoked key stops working at once', async () => {
    const trader = await newTrader(api, 'keys');
    const create = (label: string) =>
      api.request('POST', '/api/me/api-keys', { token: trader.apiKey, body: { label } });
    const bot = CreatedApiKey.parse((await create('bot')).body);
    const sheet = CreatedApiKey.parse((await create('spreadsheet')).body);
    for (const key of [bot, sheet]) {
      const me = await api.request('GET', '/api/accounts/me', { token: key.token });
      expect(AccountView.parse(me.body).accountId).toBe(trader.accountId);
    }
    const listed = await api.request('GET', '/api/me/api-keys', { token: trader.apiKey });
    const keys = (listed.body as unknown[]).map((key) => ApiKeyView.parse(key));
    expect(keys.map((key) => key.label).sort()).toEqual(['bot', 'default', 'spreadsheet']);
    expect(JSON.stringify(listed.body)).not.toContain(bot.token.split('.')[1]);

    const revoked = await api.request('DELETE', `/api/me/api-keys/${bot.keyId}`, { token: trader.apiKey });
    expect(ApiKeyView.parse(revoked.body).revokedAt).not.toBeNull();
    const refused = await api.request('GET', '/api/accounts/me', { token: bot.token });
    expect(refused.status).toBe(401);
    expect(code(refused.body)).toBe('unauthorized');
    expect((await api.request('GET', '/api/accounts/me', { token: sheet.token })).status).toBe(200);
  });

  it('stops a revoked key at once on every API process, however it was revoked, not when their copies grow old', async () => {
    const sibling = await startSiblingApi(api, { EVENTS_CONSUMER: 'off' });
    try {
      const trader = await newTrader(api, 'everywhere');
      const me = async (on: 'api' | 'sibling', token: string) =>
        on === 'api'
          ? (await api.request('GET', '/api/accounts/me', { token })).status
          : (await fetch(`${sibling.url}/api/accounts/me`, { headers: { authorization: `Bearer ${token}` } })).status;
      const bot = CreatedApiKey.parse(
        (await api.request('POST', '/api/me/api-keys', { token: trader.apiKey, body: { label: 'bot' } })).body,
      );
      const sheet = CreatedApiKey.parse(
        (await api.request('POST', '/api/me/api-keys', { token: trader.apiKey, body: { label: 'sheet' } })).body,
      );
      // The sibling has read both keys, and would trust its copies for 10 s.
      expect(await me('sibling', bot.token)).toBe(200);
      expect(await me('sibling', sheet.token)).toBe(200);
      // Revoked by the trader through the other process: refused there within moments.
      await api.request('DELETE', `/api/me/api-keys/${bot.keyId}`, { token: trader.apiKey });
      expect(await until(async () => (await me('sibling', bot.token)) === 401, 2_000)).toBe(true);
      // Revoked by an operator in SQL: refused by both.
      expect(await me('api', sheet.token)).toBe(200);
      await api.app.get(SqlPool).query('UPDATE api_keys SET revoked_at = now() WHERE id = $1', [sheet.keyId]);
      for (const on of ['api', 'sibling'] as const) {
        expect(await until(async () => (await me(on, sheet.token)) === 401, 2_000)).toBe(true);
      }
      expect(await me('sibling', trader.apiKey)).toBe(200);
    } finally {
      await sibling.stop();
    }
  });

  it("cannot revoke another account's key", async () => {
    const owner = await newTrader(api, 'owner');
    const other = await newTrader(api, 'other');
    const [keyId] = owner.apiKey.split('.');
    const response = await api.request('DELETE', `/api/me/api-keys/${keyId}`, { token: other.apiKey });
    expect(response.status).toBe(404);
    expect((await api.request('GET', '/api/accounts/me', { token: owner.apiKey })).status).toBe(200);
  });

  it('answers 404 to a key id that is not a UUID', async () => {
    const trader = await newTrader(api, 'oddkey');
    const response = await api.request('DELETE', `/api/me/api-keys/${'-'.repeat(36)}`, { token: trader.apiKey });
    expect(response.status).toBe(404);
  });

  it.each([[{}], [{ label: '' }], [{ label: 'x'.repeat(61) }], [{ label: 'ok', secret: 'mine' }]])(
    'refuses the key request %j with 400',
    async (body) => {
      const trader = await newTrader(api, 'badkey');
      const response = await api.request('POST', '/api/me/api-keys', { token: trader.apiKey, body });
      expect(response.status).toBe(400);
      expect(code(response.body)).toBe('validation_failed');
    },
  );
});
