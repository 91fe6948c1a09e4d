-- Volatility auctions: an instrument's book that went into a call auction because an order would have traded beyond
-- its tunnel has a row here too, with its end, as a reopening after a halt does; "kind" tells the two apart.
-- AlterTable
ALTER TABLE "reopening_calls" ADD COLUMN     "kind" TEXT NOT NULL DEFAULT 'reopening';
