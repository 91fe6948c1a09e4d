-- What the seller's shares cost (their average cost, fees included, at the moment of the sale), recorded when the
-- trade is settled, so a sale's realized profit is its proceeds less its fee less this. Null for trades settled
-- before it was recorded.
ALTER TABLE "trades" ADD COLUMN "seller_cost" BIGINT;
