-- Places a batch of orders in one call, so concurrent requests share one round trip and one commit. For each
-- order, in the given sequence: its hold is taken only if the balance covers it, the order is recorded as
-- pending, and the hold is written to the ledger. One row comes back per order: 'placed' (with its creation
-- time), 'insufficient' (nothing was written) or 'duplicate' (its idempotency key was already used; nothing
-- was written).
CREATE FUNCTION "place_orders"("batch" jsonb)
RETURNS TABLE ("placed_id" uuid, "placed_outcome" text, "placed_at" timestamp(3))
LANGUAGE plpgsql AS $$
DECLARE
  o record;
  after_available bigint;
  after_held bigint;
BEGIN
  FOR o IN
    SELECT * FROM jsonb_to_recordset("batch") AS x(
      id uuid, account_id uuid, symbol text, side text, type text, time_in_force text, price bigint,
      stop_price bigint, trailing_offset bigint, quantity bigint, post_only boolean, self_trade_prevention text,
      client_order_id text, idempotency_key text, request_hash text, trace_id text, hold_asset text,
      hold_amount bigint, hold_price bigint, hold_fee_bps integer)
  LOOP
    placed_id := o.id;
    placed_at := NULL;
    UPDATE balances b
       SET available = b.available - o.hold_amount, held = b.held + o.hold_amount, updated_at = now()
     WHERE b.account_id = o.account_id AND b.asset = o.hold_asset AND b.available >= o.hold_amount
    RETURNING b.available, b.held INTO after_available, after_held;
    IF NOT FOUND THEN
      placed_outcome := 'insufficient';
      RETURN NEXT;
      CONTINUE;
    END IF;
    INSERT INTO orders (id, account_id, symbol, side, type, time_in_force, price, stop_price, trailing_offset,
                        quantity, status, post_only, self_trade_prevention, client_order_id, idempotency_key,
                        request_hash, trace_id, hold_asset, hold_amount, hold_price, hold_fee_bps)
    VALUES (o.id, o.account_id, o.symbol, o.side, o.type, o.time_in_force, o.price, o.stop_price,
            o.trailing_offset, o.quantity, 'pending', o.post_only, o.self_trade_prevention, o.client_order_id,
            o.idempotency_key, o.request_hash, o.trace_id, o.hold_asset, o.hold_amount, o.hold_price,
            o.hold_fee_bps)
    ON CONFLICT DO NOTHING
    RETURNING orders.created_at INTO placed_at;
    IF NOT FOUND THEN
      UPDATE balances b
         SET available = b.available + o.hold_amount, held = b.held - o.hold_amount, updated_at = now()
       WHERE b.account_id = o.account_id AND b.asset = o.hold_asset;
      placed_outcome := 'duplicate';
      RETURN NEXT;
      CONTINUE;
    END IF;
    INSERT INTO ledger_entries (account_id, asset, reason, available_change, held_change, available_after,
                                held_after, order_id, trace_id)
    VALUES (o.account_id, o.hold_asset, 'hold', -o.hold_amount, o.hold_amount, after_available, after_held,
            o.id, o.trace_id);
    placed_outcome := 'placed';
    RETURN NEXT;
  END LOOP;
END $$;
