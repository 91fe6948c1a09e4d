-- AlterTable
ALTER TABLE "market_sessions" ADD COLUMN     "closes_until" TIMESTAMP(3),
ADD COLUMN     "sent_at" TIMESTAMP(3);

-- Closes made before this column existed were sent (one that was not had its row taken out again).
UPDATE "market_sessions" SET "sent_at" = "closed_at";
