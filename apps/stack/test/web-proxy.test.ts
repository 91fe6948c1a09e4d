import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchStack, type LaunchedStack } from '../bench/launch.js';

let stack: LaunchedStack;

// One failure per email and ten per client address: small enough to reach here.
beforeAll(async () => {
  stack = await launchStack({ LOGIN_MAX_FAILURES: '1', PASSWORD_HASH_COST: '12' });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe("the web's proxy to the API", () => {
  it("hands on each browser's address: one address's failed logins hold up nobody else's", async () => {
    // Next names the browser's address in X-Forwarded-For (here, as an ingress in front of it would).
    const login = async (address: string, email: string) =>
      (
        await fetch(`${stack.web}/api/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
          body: JSON.stringify({ email, password: 'not the password' }),
        })
      ).status;
    for (let i = 0; i < 10; i++) expect(await login('198.51.100.7', `someone-${i}@example.test`)).toBe(401);
    expect(await login('198.51.100.7', 'someone-else@example.test')).toBe(429);
    // Before the proxy handed it on, every browser was the web server's one address: this was refused too.
    expect(await login('198.51.100.8', 'someone-else@example.test')).toBe(401);
  });
});
