-- Nothing reads engine events by order or ledger entries by trade (streams read events by id, wallets read the
-- ledger by account); each index cost an entry per event (~3.5 per order) or per ledger entry (~5 per order).
-- DropIndex
DROP INDEX "engine_events_order_id_idx";

-- DropIndex
DROP INDEX "ledger_entries_trade_id_idx";
