-- The price an instrument opens at (cents): shares granted to a new account are valued at it.
-- AlterTable
ALTER TABLE "instruments" ADD COLUMN     "reference_price" BIGINT;
