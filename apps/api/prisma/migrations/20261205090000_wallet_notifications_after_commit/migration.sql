-- Ledger entries no longer notify bolsa_wallets from a trigger inside every writing transaction. PostgreSQL commits
-- transactions that NOTIFY one at a time, under a database-wide lock held through each one's WAL flush, so placements
-- of different accounts waited for each other's disk syncs instead of sharing them. Placements, amends and transfers
-- now announce once they have committed (ChangeNotifier); ingestion names the accounts it settled in its own batch
-- write's notifications.
DROP TRIGGER "ledger_entries_notify" ON "ledger_entries";
DROP FUNCTION "ledger_entries_notify"();
