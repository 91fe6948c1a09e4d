#!/usr/bin/env node
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { ensureAdmin } from './accounts/admin-seed.js';
import { loadConfig } from './config.js';
import { applyMigrations, migrationsPending, migrationsSummary, UP_TO_DATE } from './database/migrate.js';
import { connectionFields } from './database/pg-connection.js';
import { PrismaClient } from './generated/prisma/client.js';

/** Brings a database up to date: applies pending migrations, then seeds the instruments and the admin (if set). */
const config = loadConfig(process.env);
const pending = await migrationsPending(config.databaseUrl);
console.log(pending ? migrationsSummary(await applyMigrations(config.databaseUrl)) : UP_TO_DATE);
const prisma = new PrismaClient({ adapter: new PrismaPg(connectionFields(config.databaseUrl)) });
try {
  for (const instrument of config.instruments) {
    const values = {
      name: instrument.name,
      currency: instrument.currency,
      tickSize: BigInt(instrument.tickSize),
      lotSize: BigInt(instrument.lotSize),
      bandMin: instrument.priceBand === null ? null : BigInt(instrument.priceBand.min),
      bandMax: instrument.priceBand === null ? null : BigInt(instrument.priceBand.max),
      referencePrice: instrument.referencePrice ? BigInt(instrument.referencePrice) : null,
    };
    await prisma.instrument.upsert({
      where: { symbol: instrument.symbol },
      create: { symbol: instrument.symbol, ...values },
      update: values,
    });
  }
  console.log(`seeded ${config.instruments.length} instruments: ${config.instruments.map((i) => i.symbol).join(', ')}`);
  if (config.admin !== null) {
    const client = new pg.Client(connectionFields(config.databaseUrl));
    await client.connect();
    try {
      await ensureAdmin(client, config.admin, config.passwordHashCost);
      console.log(`admin ${config.admin.email} is ready`);
    } finally {
      await client.end();
    }
  }
} finally {
  await prisma.$disconnect();
}
