-- CreateTable
CREATE TABLE "book_levels" (
    "symbol" TEXT NOT NULL,
    "side" TEXT NOT NULL,
    "price" BIGINT NOT NULL,
    "quantity" BIGINT NOT NULL,
    "order_count" INTEGER NOT NULL,
    "sequence" INTEGER NOT NULL,

    CONSTRAINT "book_levels_pkey" PRIMARY KEY ("symbol","side","price")
);

