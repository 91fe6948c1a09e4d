-- No query reads orders by (symbol, status): listings go by account, placement and settlement by id. The index
-- only cost an entry per order placed and per status change.
-- DropIndex
DROP INDEX "orders_symbol_status_idx";
