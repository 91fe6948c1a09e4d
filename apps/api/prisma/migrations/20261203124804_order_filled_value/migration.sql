-- AlterTable
ALTER TABLE "orders" ADD COLUMN     "filled_value" BIGINT NOT NULL DEFAULT 0;

-- Orders filled before the column existed: their fills' price × quantity, from both sides of every trade.
UPDATE "orders" o SET "filled_value" = f.value
  FROM (SELECT order_id, sum(price * quantity) AS value
          FROM (SELECT maker_order_id AS order_id, price, quantity FROM "trades"
                UNION ALL
                SELECT taker_order_id, price, quantity FROM "trades") AS fills
         GROUP BY order_id) AS f
 WHERE o.id = f.order_id;
