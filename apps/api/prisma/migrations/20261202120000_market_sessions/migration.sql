-- The trading days that have been closed (their DAY orders expired), so each closes once whichever process or
-- restart gets there first.
-- CreateTable
CREATE TABLE "market_sessions" (
    "trading_day" DATE NOT NULL,
    "closed_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "trace_id" TEXT NOT NULL,

    CONSTRAINT "market_sessions_pkey" PRIMARY KEY ("trading_day")
);
