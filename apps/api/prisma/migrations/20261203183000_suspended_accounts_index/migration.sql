-- The ingesting process looks every few seconds for live orders of suspended accounts (see OrderResender): this
-- partial index holds only suspended accounts, so the look costs nothing however many accounts there are. Prisma's
-- schema language cannot say WHERE, so it lives in this migration only.
CREATE INDEX "accounts_suspended_idx" ON "accounts" ("suspended_at") WHERE "suspended_at" IS NOT NULL;
