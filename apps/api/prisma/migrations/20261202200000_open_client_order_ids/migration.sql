-- A clientOrderId names one live order of its account, as a ClOrdID does in FIX: while an order is pending, open
-- or partially filled, another order of the account cannot take its clientOrderId (place_orders' ON CONFLICT DO
-- NOTHING answers 'duplicate'); once it is done, the id is free again. Partial, so orders without one, and done
-- orders, have no entry. Prisma's schema language cannot say WHERE, so this index lives in this migration only.
CREATE UNIQUE INDEX "orders_open_client_order_id_key" ON "orders" ("account_id", "client_order_id")
  WHERE "client_order_id" IS NOT NULL AND "status" IN ('pending', 'open', 'partially_filled');
