-- trades had a primary key on id ("<symbol>-<n>", which nothing looks a trade up by) and an index on
-- (symbol, sequence), which a symbol's trades are read by. (symbol, sequence) is now the key: one index entry
-- fewer to write per trade. The unique index is built from the existing one's columns before either is dropped.
CREATE UNIQUE INDEX "trades_symbol_sequence_key" ON "trades" ("symbol", "sequence");
ALTER TABLE "trades" DROP CONSTRAINT "trades_pkey";
DROP INDEX "trades_symbol_sequence_idx";
ALTER TABLE "trades" ADD CONSTRAINT "trades_pkey" PRIMARY KEY USING INDEX "trades_symbol_sequence_key";
