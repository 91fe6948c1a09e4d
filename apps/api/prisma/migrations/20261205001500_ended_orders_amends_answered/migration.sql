-- An order that has ended waits for no amend: one whose send failed was never withdrawn (only live orders' are), and
-- showed as on its way for good. Ingestion now counts every amend answered when its order ends; this does it for the
-- orders that ended before.
UPDATE "orders" SET "amends_answered" = "amends_sent"
 WHERE "amends_answered" < "amends_sent" AND "status" NOT IN ('pending', 'open', 'partially_filled');
