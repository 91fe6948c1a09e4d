-- Amends are numbered per order: pending_amends (on their way) becomes amends_sent less amends_answered.
ALTER TABLE "orders" ADD COLUMN     "amend_sent_at" TIMESTAMP(3),
ADD COLUMN     "amends_answered" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "amends_sent" INTEGER NOT NULL DEFAULT 0;

-- Amends still on their way were sent unnumbered: each answer to one counts one more answered, as before. Their
-- time is unknown; the migration's is as good as any for withdrawing them if no answer comes.
UPDATE "orders" SET "amends_sent" = "pending_amends", "amend_sent_at" = now() WHERE "pending_amends" > 0;

ALTER TABLE "orders" DROP COLUMN "pending_amends";

-- The re-sender's look for amends whose answer is overdue reads only orders with one on its way.
CREATE INDEX "orders_unanswered_amends" ON "orders" ("amend_sent_at") WHERE "amends_answered" < "amends_sent";
