-- AlterTable
ALTER TABLE "accounts" ADD COLUMN     "email" TEXT,
ADD COLUMN     "password_hash" TEXT,
ADD COLUMN     "role" TEXT NOT NULL DEFAULT 'trader';

-- AlterTable
ALTER TABLE "api_keys" ADD COLUMN     "label" TEXT NOT NULL DEFAULT 'default';

-- AlterTable
ALTER TABLE "orders" ADD COLUMN     "hold_amount" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "hold_asset" TEXT NOT NULL DEFAULT 'BRL',
ADD COLUMN     "hold_fee_bps" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "hold_price" BIGINT;

-- AlterTable
ALTER TABLE "trades" ADD COLUMN     "maker_fee" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "taker_fee" BIGINT NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "sessions" (
    "id" TEXT NOT NULL,
    "account_id" UUID NOT NULL,
    "csrf_token" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMP(3) NOT NULL,
    "revoked_at" TIMESTAMP(3),

    CONSTRAINT "sessions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "balances" (
    "account_id" UUID NOT NULL,
    "asset" TEXT NOT NULL,
    "available" BIGINT NOT NULL DEFAULT 0,
    "held" BIGINT NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "balances_pkey" PRIMARY KEY ("account_id","asset")
);

-- CreateTable
CREATE TABLE "ledger_entries" (
    "id" BIGSERIAL NOT NULL,
    "account_id" UUID NOT NULL,
    "asset" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "available_change" BIGINT NOT NULL,
    "held_change" BIGINT NOT NULL,
    "available_after" BIGINT NOT NULL,
    "held_after" BIGINT NOT NULL,
    "order_id" UUID,
    "trade_id" TEXT,
    "trace_id" TEXT NOT NULL,
    "idempotency_key" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ledger_entries_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "sessions_account_id_idx" ON "sessions"("account_id");

-- CreateIndex
CREATE INDEX "ledger_entries_account_id_id_idx" ON "ledger_entries"("account_id", "id");

-- CreateIndex
CREATE INDEX "ledger_entries_trade_id_idx" ON "ledger_entries"("trade_id");

-- CreateIndex
CREATE UNIQUE INDEX "ledger_entries_account_id_idempotency_key_key" ON "ledger_entries"("account_id", "idempotency_key");

-- CreateIndex
CREATE UNIQUE INDEX "accounts_email_key" ON "accounts"("email");

-- AddForeignKey
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "balances" ADD CONSTRAINT "balances_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- Orders made before holds existed hold nothing; new ones always say what they hold.
ALTER TABLE "orders" ALTER COLUMN "hold_asset" DROP DEFAULT;

-- Written by hand (Prisma has no syntax for these).
ALTER TABLE "accounts" ADD CONSTRAINT "accounts_role_check" CHECK ("role" IN ('trader', 'admin', 'exchange'));
ALTER TABLE "balances" ADD CONSTRAINT "balances_never_negative" CHECK ("available" >= 0 AND "held" >= 0);
ALTER TABLE "orders" ADD CONSTRAINT "orders_hold_never_negative" CHECK ("hold_amount" >= 0);
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_reason_check"
  CHECK ("reason" IN ('grant', 'deposit', 'withdrawal', 'hold', 'release', 'trade', 'fee'));

-- The ledger is append-only: history is corrected by new entries, never rewritten.
CREATE FUNCTION "ledger_entries_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'ledger_entries is append-only (% refused)', TG_OP;
END $$;
CREATE TRIGGER "ledger_entries_append_only" BEFORE UPDATE OR DELETE OR TRUNCATE ON "ledger_entries"
  FOR EACH STATEMENT EXECUTE FUNCTION "ledger_entries_append_only"();

-- Tells every API process whose wallet changed (delivered at commit, once per transaction and payload), so live
-- streams follow balances written by any process.
CREATE FUNCTION "ledger_entries_notify"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  chunk text;
BEGIN
  FOR chunk IN
    SELECT string_agg(account_id::text, ',')
      FROM (SELECT DISTINCT account_id, (dense_rank() OVER (ORDER BY account_id) - 1) / 100 AS part
              FROM inserted) accounts
     GROUP BY part
  LOOP
    PERFORM pg_notify('bolsa_wallets', chunk);
  END LOOP;
  RETURN NULL;
END $$;
CREATE TRIGGER "ledger_entries_notify" AFTER INSERT ON "ledger_entries"
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION "ledger_entries_notify"();

-- The exchange's own account, which fees are credited to. Nobody logs into it.
INSERT INTO "accounts" ("id", "name", "role") VALUES ('00000000-0000-4000-8000-000000000001', 'Bolsa exchange fees', 'exchange');
INSERT INTO "balances" ("account_id", "asset") VALUES ('00000000-0000-4000-8000-000000000001', 'BRL');
