import { AccountView, ApiErrorBody, CreatedAccount } from '@bolsa/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaService } from '../src/database/prisma.service.js';
import { newTrader, startTestApi, TEST_PASSWORD, type TestApi } from './support.js';

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi();
});

afterAll(async () => {
  await api.stop();
});

const errorCode = (body: unknown) => ApiErrorBody.parse(body).code;

describe('accounts and API keys', () => {
  it('creates an account, shows the key once, and recognises it afterwards', async () => {
    const created = await api.request('POST', '/api/accounts', {
      body: { name: '  Ana Souza ', email: ' Ana@Example.TEST ', password: TEST_PASSWORD },
    });
    expect(created.status).toBe(201);
    const account = CreatedAccount.parse(created.body);
    expect(account.name).toBe('Ana Souza');
    expect(account.email).toBe('ana@example.test');
    const me = await api.request('GET', '/api/accounts/me', { token: account.apiKey });
    expect(me.status).toBe(200);
    expect(AccountView.parse(me.body)).toMatchObject({
      accountId: account.accountId,
      name: 'Ana Souza',
      role: 'trader',
    });
    const stored = await api.app.get(PrismaService).apiKey.findMany({ where: { accountId: account.accountId } });
    expect(stored).toHaveLength(1);
    expect(account.apiKey).not.toContain(stored[0]!.secretHash);
  });

  const valid = { name: 'ok', email: 'someone@example.test', password: TEST_PASSWORD };
  it.each([
    [{}, 'name'],
    [{ ...valid, name: '' }, 'name'],
    [{ ...valid, name: 'x'.repeat(81) }, 'name'],
    [{ ...valid, name: 7 }, 'name'],
    [{ ...valid, email: 'not an email' }, 'email'],
    [{ ...valid, password: 'short' }, 'password'],
    [{ ...valid, role: 'admin' }, 'role'],
  ])('refuses %j, naming the field', async (body, field) => {
    const response = await api.request('POST', '/api/accounts', { body });
    expect(response.status).toBe(400);
    const error = ApiErrorBody.parse(response.body);
    expect(error.code).toBe('validation_failed');
    expect(error.details.fields?.map((f) => f.field)).toContain(field);
  });

  it.each([
    ['no header', undefined, undefined],
    ['not a bearer token', undefined, { authorization: 'Basic abc' }],
    ['a malformed key', 'nope', undefined],
    ['an unknown key', '00000000-0000-4000-8000-000000000000.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', undefined],
    ['a key whose id is not a UUID', `${'-'.repeat(36)}.${'A'.repeat(43)}`, undefined],
  ])('refuses %s with 401', async (_name, token, headers) => {
    const response = await api.request('GET', '/api/accounts/me', {
      ...(token === undefined ? {} : { token }),
      ...(headers === undefined ? {} : { headers }),
    });
    expect(response.status).toBe(401);
    expect(errorCode(response.body)).toBe('unauthorized');
  });

  it('refuses a right key id with a wrong secret', async () => {
    const account = await newTrader(api, 'Bo');
    const [keyId] = account.apiKey.split('.');
    const forged = `${keyId}.${'B'.repeat(43)}`;
    expect((await api.request('GET', '/api/accounts/me', { token: forged })).status).toBe(401);
  });
});
