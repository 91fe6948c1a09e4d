#!/usr/bin/env node
import { parseArgs } from 'node:util';
import pg from 'pg';
import { z } from 'zod';
import { ensureAdmin } from './accounts/admin-seed.js';
import { reconcile, RECONCILIATION_BEGIN } from './admin/reconciliation.js';
import { loadConfig } from './config.js';
import { connectionFields } from './database/pg-connection.js';

/**
 * `node dist/src/admin-cli.js create-admin --email a@b.c --name "Ana" [--password …]`: creates or promotes an
 * administrator. Without flags it takes ADMIN_EMAIL / ADMIN_NAME / ADMIN_PASSWORD from the configuration (the
 * password is better there: it stays out of the shell history).
 *
 * `node dist/src/admin-cli.js reconcile`: checks the books (as `GET /api/admin/reconciliation` does), prints each
 * check, and exits 1 if one fails: something a scheduled job can run.
 */
const usage =
  'usage: admin-cli create-admin [--email EMAIL] [--name NAME] [--password PASSWORD]\n       admin-cli reconcile';
const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { email: { type: 'string' }, name: { type: 'string' }, password: { type: 'string' } },
});
const CreateAdmin = z.object({
  command: z.literal('create-admin'),
  email: z.email(),
  name: z.string().min(1).max(80),
  password: z.string().min(10, { error: 'must be at least 10 characters' }),
});
const Arguments = z.discriminatedUnion('command', [CreateAdmin, z.object({ command: z.literal('reconcile') })]);
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
  if (parsed.data.command === 'create-admin') {
    const id = await ensureAdmin(client, parsed.data, config.passwordHashCost);
    console.log(`admin ${parsed.data.email} is account ${id}`);
  } else {
    await client.query(RECONCILIATION_BEGIN);
    const result = await reconcile(client);
    await client.query('COMMIT');
    for (const check of result.checks) {
      console.log(`${check.ok ? 'ok  ' : 'FAIL'} ${check.name}: ${check.description}`);
      if (!check.ok) {
        console.log(`     ${check.faults} at fault, such as:`);
        for (const example of check.examples) console.log(`     ${JSON.stringify(example)}`);
      }
    }
    console.log(`${result.ok ? 'the books reconcile' : 'the books do NOT reconcile'} (${result.tookMs} ms)`);
    process.exitCode = result.ok ? 0 : 1;
  }
} finally {
  await client.end();
}
