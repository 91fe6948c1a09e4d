-- CreateTable
CREATE TABLE "accounts" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "accounts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_keys" (
    "id" UUID NOT NULL,
    "account_id" UUID NOT NULL,
    "secret_hash" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revoked_at" TIMESTAMP(3),

    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "instruments" (
    "symbol" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "tick_size" BIGINT NOT NULL,
    "lot_size" BIGINT NOT NULL,
    "band_min" BIGINT,
    "band_max" BIGINT,

    CONSTRAINT "instruments_pkey" PRIMARY KEY ("symbol")
);

-- CreateTable
CREATE TABLE "orders" (
    "id" UUID NOT NULL,
    "account_id" UUID NOT NULL,
    "symbol" TEXT NOT NULL,
    "side" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "time_in_force" TEXT NOT NULL,
    "price" BIGINT,
    "stop_price" BIGINT,
    "trailing_offset" BIGINT,
    "quantity" BIGINT NOT NULL,
    "filled_quantity" BIGINT NOT NULL DEFAULT 0,
    "status" TEXT NOT NULL,
    "status_reason" TEXT,
    "post_only" BOOLEAN NOT NULL,
    "self_trade_prevention" TEXT NOT NULL,
    "client_order_id" TEXT,
    "idempotency_key" TEXT,
    "request_hash" TEXT,
    "trace_id" TEXT NOT NULL,
    "last_sequence" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "orders_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "engine_events" (
    "symbol" TEXT NOT NULL,
    "sequence" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "order_id" UUID,
    "trace_id" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "occurred_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "engine_events_pkey" PRIMARY KEY ("symbol","sequence")
);

-- CreateTable
CREATE TABLE "trades" (
    "id" TEXT NOT NULL,
    "symbol" TEXT NOT NULL,
    "sequence" INTEGER NOT NULL,
    "price" BIGINT NOT NULL,
    "quantity" BIGINT NOT NULL,
    "aggressor_side" TEXT NOT NULL,
    "maker_order_id" UUID NOT NULL,
    "taker_order_id" UUID NOT NULL,
    "maker_account_id" UUID NOT NULL,
    "taker_account_id" UUID NOT NULL,
    "trace_id" TEXT NOT NULL,
    "executed_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "trades_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "candles" (
    "symbol" TEXT NOT NULL,
    "open_time" TIMESTAMP(3) NOT NULL,
    "open" BIGINT NOT NULL,
    "high" BIGINT NOT NULL,
    "low" BIGINT NOT NULL,
    "close" BIGINT NOT NULL,
    "volume" BIGINT NOT NULL,
    "trades" INTEGER NOT NULL,

    CONSTRAINT "candles_pkey" PRIMARY KEY ("symbol","open_time")
);

-- CreateIndex
CREATE INDEX "api_keys_account_id_idx" ON "api_keys"("account_id");

-- CreateIndex
CREATE INDEX "orders_account_id_status_idx" ON "orders"("account_id", "status");

-- CreateIndex
CREATE INDEX "orders_symbol_status_idx" ON "orders"("symbol", "status");

-- CreateIndex
CREATE UNIQUE INDEX "orders_account_id_idempotency_key_key" ON "orders"("account_id", "idempotency_key");

-- CreateIndex
CREATE INDEX "engine_events_order_id_idx" ON "engine_events"("order_id");

-- CreateIndex
CREATE INDEX "trades_symbol_executed_at_idx" ON "trades"("symbol", "executed_at");

-- CreateIndex
CREATE INDEX "trades_maker_account_id_idx" ON "trades"("maker_account_id");

-- CreateIndex
CREATE INDEX "trades_taker_account_id_idx" ON "trades"("taker_account_id");

-- AddForeignKey
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "orders" ADD CONSTRAINT "orders_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
