#!/usr/bin/env node
import { PrismaPg } from '@prisma/adapter-pg';
import { loadConfig } from './config.js';
import { applyMigrations } from './database/migrate.js';
import { connectionFields } from './database/pg-connection.js';
import { PrismaClient } from './generated/prisma/client.js';

/** Brings a database up to date: applies pending migrations, then seeds the configured instruments. */
const config = loadConfig(process.env);
process.stdout.write(await applyMigrations(config.databaseUrl));
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
    };
    await prisma.instrument.upsert({
      where: { symbol: instrument.symbol },
      create: { symbol: instrument.symbol, ...values },
      update: values,
    });
  }
  console.log(`seeded ${config.instruments.length} instruments: ${config.instruments.map((i) => i.symbol).join(', ')}`);
} finally {
  await prisma.$disconnect();
}
