-- Most orders and almost every ledger entry carry no idempotency key, yet each wrote an entry for its NULL into
-- these unique indexes (and orders again at every status change, which cannot be a HOT update). Only keyed rows
-- can conflict, so only they are indexed now: the same uniqueness, an index entry fewer per order placed, per
-- order update and per ledger entry. (Prisma's schema language cannot say WHERE; the schema keeps @@unique.)
DROP INDEX "orders_account_id_idempotency_key_key";
CREATE UNIQUE INDEX "orders_account_id_idempotency_key_key" ON "orders" ("account_id", "idempotency_key")
  WHERE "idempotency_key" IS NOT NULL;

DROP INDEX "ledger_entries_account_id_idempotency_key_key";
CREATE UNIQUE INDEX "ledger_entries_account_id_idempotency_key_key" ON "ledger_entries" ("account_id", "idempotency_key")
  WHERE "idempotency_key" IS NOT NULL;
