-- An order's own events (accepted, amended, cancelled, refused commands…), which GET /api/orders/:id/timeline
-- reads. Partial: level changes and trades name no order and take no entry. Order ids are time-ordered (UUIDv7)
-- from now on, so new entries land among the index's last pages.
-- Prisma's schema language cannot say WHERE, so this index lives in this migration only.
CREATE INDEX "engine_events_order_id_idx" ON "engine_events" ("order_id") WHERE "order_id" IS NOT NULL;
