-- Trades printed by a call auction's uncross (the opening, the closing call, a reopening), at the auction's one
-- price, are marked: the tape shows them as the auction's, not as a side taking the other's price. Trades stored
-- before were not marked (the default costs no rewrite of the table).
-- AlterTable
ALTER TABLE "trades" ADD COLUMN     "auction" BOOLEAN NOT NULL DEFAULT false;
