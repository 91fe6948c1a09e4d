-- AlterTable
ALTER TABLE "orders" ADD COLUMN     "pending_amends" INTEGER NOT NULL DEFAULT 0;
