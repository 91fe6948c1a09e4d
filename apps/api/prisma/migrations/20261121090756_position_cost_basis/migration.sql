-- AlterTable
ALTER TABLE "balances" ADD COLUMN     "cost_basis" BIGINT NOT NULL DEFAULT 0;

