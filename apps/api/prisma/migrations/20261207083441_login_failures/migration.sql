-- Failed logins counted in the database rather than in each API process, so that N processes behind a load balancer
-- allow the limit, not N times it (LoginThrottle). Keys are `email:<email>` or `address:<client address>`.
-- CreateTable
CREATE TABLE "login_failures" (
    "key" TEXT NOT NULL,
    "failures" INTEGER NOT NULL,
    "window_ends" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "login_failures_pkey" PRIMARY KEY ("key")
);
