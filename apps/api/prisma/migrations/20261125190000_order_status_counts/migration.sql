-- The admin summary counted every order by status at each poll (a pass over the whole orders table). The
-- ingestion, the only writer of an order's status once it is placed, now keeps a count per status in the statement
-- that moves them; 'pending' is not kept (each placement would write the same row) but counted from the partial
-- index of pending orders, which holds only orders in flight. Filled here from what is stored.
-- CreateTable
CREATE TABLE "order_status_counts" (
    "status" TEXT NOT NULL,
    "count" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "order_status_counts_pkey" PRIMARY KEY ("status")
);

INSERT INTO "order_status_counts" ("status", "count")
SELECT status, count(*) FROM "orders" WHERE status <> 'pending' GROUP BY status;
