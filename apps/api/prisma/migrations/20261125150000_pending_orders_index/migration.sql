-- Orders still pending, oldest first: what the re-sender looks for. Partial, so it holds only orders between
-- being recorded and the engine's answer (an entry per order placed; none for the updates after it).
-- Prisma's schema language cannot say WHERE, so this index lives in this migration only.
CREATE INDEX "orders_pending_created_at_idx" ON "orders" ("created_at") WHERE "status" = 'pending';
