#!/usr/bin/env node
import { parseArgs } from 'node:util';
import pg from 'pg';
import { z } from 'zod';
import { ensureAdmin } from './accounts/admin-seed.js';
import { loadConfig } from './config.js';
import { connectionFields } from './database/pg-connection.js';

/**
 * `node dist/src/admin-cli.js create-admin --email a@b.c --name "Ana" [--password …]`: creates or promotes an
 * administrator. Without flags it takes ADMIN_EMAIL / ADMIN_NAME / ADMIN_PASSWORD from the configuration (the
 * password is better there: it stays out of the shell history).
 */
const usage = 'usage: admin-cli create-admin [--email EMAIL] [--name NAME] [--password PASSWORD]';
const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { email: { type: 'string' }, name: { type: 'string' }, password: { type: 'string' } },
});
const Arguments = z.object({
  command: z.literal('create-admin'),
  email: z.email(),
  name: z.string().min(1).max(80),
  password: z.string().min(10, { error: 'must be at least 10 characters' }),
});
const config = loadConfig(process.env);
const parsed = Arguments.safeParse({
  command: positionals[0],
  email: values.email ?? config.admin?.email,
  name: values.name ?? config.admin?.name ?? 'Administrator',
  password: values.password ?? config.admin?.password,
});
if (!parsed.success) {
  console.error(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('\n'));
  console.error(usage);
  process.exit(2);
}
const client = new pg.Client(connectionFields(config.databaseUrl));
await client.connect();
try {
  const id = await ensureAdmin(client, parsed.data, config.passwordHashCost);
  console.log(`admin ${parsed.data.email} is account ${id}`);
} finally {
  await client.end();
}
