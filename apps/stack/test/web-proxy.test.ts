import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchStack, type LaunchedStack } from '../bench/launch.js';

let stack: LaunchedStack;

// One failure per email and ten per client address: small enough to reach here. The API believes X-Forwarded-For
// from the web's own address only, so that the tests' other loopback addresses are browsers, not proxies.
beforeAll(async () => {
  stack = await launchStack({ LOGIN_MAX_FAILURES: '1', PASSWORD_HASH_COST: '12', TRUST_PROXY: '127.0.0.1' });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

/** A failed login through the web, sent from the loopback address `from`, its X-Forwarded-For `forwardedFor`. */
function failedLogin(from: string, email: string, forwardedFor?: string): Promise<number> {
  const url = new URL('/api/auth/login', stack.web);
  url.hostname = '127.0.0.1';
  return new Promise((resolve, reject) => {
    const sent = httpRequest(
      url,
      {
        method: 'POST',
        localAddress: from,
        headers: {
          'content-type': 'application/json',
          ...(forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor }),
        },
      },
      (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      },
    );
    sent.on('error', reject);
    sent.end(JSON.stringify({ email, password: 'not the password' }));
  });
}

describe("the web's proxy to the API", () => {
  it("hands on the address a proxy in front of it names: one browser's failed logins hold up nobody else's", async () => {
    // 127.0.0.1 plays an ingress here, which the API trusts as it does the web.
    for (let i = 0; i < 10; i++) {
      expect(await failedLogin('127.0.0.1', `someone-${i}@example.test`, '198.51.100.7')).toBe(401);
    }
    expect(await failedLogin('127.0.0.1', 'someone-else@example.test', '198.51.100.7')).toBe(429);
    // Before the proxy handed it on, every browser was the web server's one address: this was refused too.
    expect(await failedLogin('127.0.0.1', 'someone-else@example.test', '198.51.100.8')).toBe(401);
  });

  it('counts a browser that reaches it directly by the address it came from, whatever address it names', async () => {
    for (let i = 0; i < 10; i++) {
      expect(await failedLogin('127.0.0.2', `spoofer-${i}@example.test`, `203.0.113.${i}`)).toBe(401);
    }
    // With Next's X-Forwarded-For kept as the browser sent it, each named address had ten failures of its own.
    expect(await failedLogin('127.0.0.2', 'spoofer-10@example.test', '203.0.113.10')).toBe(429);
    expect(await failedLogin('127.0.0.2', 'spoofer-11@example.test')).toBe(429);
    expect(await failedLogin('127.0.0.3', 'spoofer-12@example.test', '203.0.113.0')).toBe(401);
  });
});
