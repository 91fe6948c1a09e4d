-- AlterTable
ALTER TABLE "orders" ADD COLUMN     "triggered_at" TIMESTAMP(3);
