-- A symbol's trades are read newest first by sequence (the trades list, the last price of the ticker and of the
-- admin panel); the (symbol, executed_at) index could not serve that order, so each read sorted every trade of
-- the symbol (~230 ms for the newest 50 of a million). The ticker's day now comes from the minute candles, and
-- nothing else read trades by time within a symbol, so this index replaces that one: the same cost per trade.
-- DropIndex
DROP INDEX "trades_symbol_executed_at_idx";

-- CreateIndex
CREATE INDEX "trades_symbol_sequence_idx" ON "trades"("symbol", "sequence");
