-- CreateTable
CREATE TABLE "price_alerts" (
    "id" UUID NOT NULL,
    "account_id" UUID NOT NULL,
    "symbol" TEXT NOT NULL,
    "condition" TEXT NOT NULL,
    "price" BIGINT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "triggered_at" TIMESTAMP(3),
    "trigger_price" BIGINT,

    CONSTRAINT "price_alerts_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "price_alerts_account_id_idx" ON "price_alerts"("account_id");

-- AddForeignKey
ALTER TABLE "price_alerts" ADD CONSTRAINT "price_alerts_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- The waiting alerts of a symbol, which ingestion looks up for each stored batch of its trades.
CREATE INDEX "price_alerts_waiting_idx" ON "price_alerts"("symbol", "price") WHERE "triggered_at" IS NULL;

ALTER TABLE "price_alerts" ADD CONSTRAINT "price_alerts_condition_check"
  CHECK ("condition" IN ('at_or_above', 'at_or_below'));
