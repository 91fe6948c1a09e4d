-- Reopening call auctions: an instrument resumed after a halt (with MARKET_REOPENING_SECONDS) takes orders that rest
-- without trading until "ends_at", when its book uncrosses. The row goes once that end is sent to the engine, or
-- when the instrument is halted again.
-- CreateTable
CREATE TABLE "reopening_calls" (
    "symbol" TEXT NOT NULL,
    "ends_at" TIMESTAMP(3) NOT NULL,
    "trace_id" TEXT NOT NULL,

    CONSTRAINT "reopening_calls_pkey" PRIMARY KEY ("symbol")
);

-- Every API process hears of a reopening's start and end on the halts' channel: its view of reopenings and its
-- streams' tickers follow at commit.
CREATE TRIGGER "reopening_calls_notify" AFTER INSERT OR UPDATE OR DELETE ON "reopening_calls"
  FOR EACH ROW EXECUTE FUNCTION "notify_trading_halts"();
