-- The admin summary read every trade (count, volume, turnover per symbol) and counted every engine event on each
-- call, every 5 s per open admin panel: a cost that grows with the exchange's whole history. The ingestion now
-- keeps these totals per symbol in the statement that stores a batch's events (only for events that were new, so
-- a redelivery changes nothing), and the summary reads one row per symbol. Filled here from what is stored.
-- CreateTable
CREATE TABLE "market_totals" (
    "symbol" TEXT NOT NULL,
    "trades" BIGINT NOT NULL DEFAULT 0,
    "volume" BIGINT NOT NULL DEFAULT 0,
    "turnover" BIGINT NOT NULL DEFAULT 0,
    "events" BIGINT NOT NULL DEFAULT 0,
    "last_price" BIGINT,
    "last_sequence" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "market_totals_pkey" PRIMARY KEY ("symbol")
);

INSERT INTO "market_totals" ("symbol", "trades", "volume", "turnover", "events", "last_price", "last_sequence")
SELECT e.symbol, COALESCE(t.trades, 0), COALESCE(t.volume, 0), COALESCE(t.turnover, 0), e.events, l.price,
       COALESCE(l.sequence, 0)
  FROM (SELECT symbol, count(*) AS events FROM "engine_events" GROUP BY symbol) e
  LEFT JOIN (SELECT symbol, count(*) AS trades, sum(quantity) AS volume, sum(quantity * price) AS turnover
               FROM "trades" GROUP BY symbol) t ON t.symbol = e.symbol
  LEFT JOIN LATERAL (SELECT price, sequence FROM "trades" WHERE symbol = e.symbol
                      ORDER BY sequence DESC LIMIT 1) l ON true;
