-- Good-till-date orders: the trading day a GTD order is good till (it expires at that day's close); null for
-- every other order. place_orders records it, as it was, with the rest of the order.
ALTER TABLE "orders" ADD COLUMN "expires_on" DATE;

CREATE OR REPLACE FUNCTION "place_orders"("batch" jsonb)
RETURNS TABLE ("placed_id" uuid, "placed_outcome" text, "placed_at" timestamp(3))
LANGUAGE plpgsql AS $$
DECLARE
  o record;
  after_available bigint;
  after_held bigint;
  ledger_accounts uuid[] := '{}';
  ledger_assets text[] := '{}';
  ledger_amounts bigint[] := '{}';
  ledger_available bigint[] := '{}';
  ledger_held bigint[] := '{}';
  ledger_orders uuid[] := '{}';
  ledger_traces text[] := '{}';
  halted text[];
  checked_account uuid;
  account_suspended boolean;
  refused text;
BEGIN
  halted := ARRAY(SELECT h.symbol FROM trading_halts h);
  FOR o IN
    SELECT * FROM jsonb_to_recordset("batch") AS x(
      id uuid, account_id uuid, symbol text, side text, type text, time_in_force text, price bigint,
      stop_price bigint, trailing_offset bigint, protection_price bigint, quantity bigint, post_only boolean,
      self_trade_prevention text, client_order_id text, idempotency_key text, request_hash text, trace_id text,
      hold_asset text, hold_amount bigint, hold_price bigint, hold_fee_bps integer, expires_on date)
  LOOP
    placed_id := o.id;
    placed_at := NULL;
    IF o.symbol = ANY (halted) THEN
      placed_outcome := 'halted';
      RETURN NEXT;
      CONTINUE;
    END IF;
    UPDATE balances b
       SET available = b.available - o.hold_amount, held = b.held + o.hold_amount, updated_at = now()
     WHERE b.account_id = o.account_id AND b.asset = o.hold_asset AND b.available >= o.hold_amount
    RETURNING b.available, b.held INTO after_available, after_held;
    IF NOT FOUND THEN
      placed_outcome := 'insufficient';
      RETURN NEXT;
      CONTINUE;
    END IF;
    -- Read in this statement's own snapshot once a hold has locked one of the account's balances (see above).
    IF o.account_id IS DISTINCT FROM checked_account THEN
      account_suspended := EXISTS (SELECT 1 FROM accounts a WHERE a.id = o.account_id AND a.suspended_at IS NOT NULL);
      checked_account := o.account_id;
    END IF;
    refused := NULL;
    IF account_suspended THEN
      refused := 'suspended';
    ELSE
      INSERT INTO orders (id, account_id, symbol, side, type, time_in_force, price, stop_price, trailing_offset,
                          protection_price, quantity, status, post_only, self_trade_prevention, client_order_id, idempotency_key,
                          request_hash, trace_id, hold_asset, hold_amount, hold_price, hold_fee_bps, expires_on)
      VALUES (o.id, o.account_id, o.symbol, o.side, o.type, o.time_in_force, o.price, o.stop_price,
              o.trailing_offset, o.protection_price, o.quantity, 'pending', o.post_only, o.self_trade_prevention, o.client_order_id,
              o.idempotency_key, o.request_hash, o.trace_id, o.hold_asset, o.hold_amount, o.hold_price,
              o.hold_fee_bps, o.expires_on)
      ON CONFLICT DO NOTHING
      RETURNING orders.created_at INTO placed_at;
      IF NOT FOUND THEN
        refused := 'duplicate';
      END IF;
    END IF;
    IF refused IS NOT NULL THEN
      UPDATE balances b
         SET available = b.available + o.hold_amount, held = b.held - o.hold_amount, updated_at = now()
       WHERE b.account_id = o.account_id AND b.asset = o.hold_asset;
      placed_outcome := refused;
      RETURN NEXT;
      CONTINUE;
    END IF;
    ledger_accounts := ledger_accounts || o.account_id;
    ledger_assets := ledger_assets || o.hold_asset;
    ledger_amounts := ledger_amounts || o.hold_amount;
    ledger_available := ledger_available || after_available;
    ledger_held := ledger_held || after_held;
    ledger_orders := ledger_orders || o.id;
    ledger_traces := ledger_traces || o.trace_id;
    placed_outcome := 'placed';
    RETURN NEXT;
  END LOOP;
  INSERT INTO ledger_entries (account_id, asset, reason, available_change, held_change, available_after,
                              held_after, order_id, trace_id)
  SELECT e.account_id, e.asset, 'hold', -e.amount, e.amount, e.available, e.held, e.order_id, e.trace_id
    FROM unnest(ledger_accounts, ledger_assets, ledger_amounts, ledger_available, ledger_held, ledger_orders,
                ledger_traces) WITH ORDINALITY AS e(account_id, asset, amount, available, held, order_id, trace_id,
                                                    position)
   ORDER BY e.position;
END $$;
