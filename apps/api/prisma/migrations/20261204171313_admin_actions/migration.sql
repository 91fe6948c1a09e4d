-- What administrators did to the market or an account, for compliance: see the AdminAction model. The actions
-- are listed here, as Prisma's schema language cannot say CHECK.
-- CreateTable
CREATE TABLE "admin_actions" (
    "id" BIGSERIAL NOT NULL,
    "action" TEXT NOT NULL,
    "admin_id" UUID,
    "symbol" TEXT,
    "account_id" UUID,
    "reason" TEXT,
    "trace_id" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "admin_actions_pkey" PRIMARY KEY ("id")
);

ALTER TABLE "admin_actions" ADD CONSTRAINT "admin_actions_action_check"
  CHECK ("action" IN ('halt', 'resume', 'end_of_day', 'suspend', 'reinstate'));
