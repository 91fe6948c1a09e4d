-- A clientOrderId names one live order of its account, as a ClOrdID does in FIX: while an order is pending, open
-- or partially filled, another order of the account cannot take its clientOrderId (place_orders' ON CONFLICT DO
-- NOTHING answers 'duplicate'); once it is done, the id is free again. Partial, so orders without one, and done
-- orders, have no entry. Prisma's schema language cannot say WHERE, so this index lives in this migration only.
-- Orders recorded before this migration ran are left out: open orders placed by earlier versions may already share
-- an id, which a unique index could not be built over (and which no version should change); they keep theirs
-- until they are done.
DO $$
BEGIN
  EXECUTE format(
    $index$CREATE UNIQUE INDEX "orders_open_client_order_id_key" ON "orders" ("account_id", "client_order_id")
             WHERE "client_order_id" IS NOT NULL AND "status" IN ('pending', 'open', 'partially_filled')
               AND "created_at" >= %L::timestamp(3)$index$,
    CURRENT_TIMESTAMP::timestamp(3));
END $$;
